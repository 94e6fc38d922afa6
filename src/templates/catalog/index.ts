// The catalogue: every template, one descriptor file each in this folder (adding an app is adding
// a file and a line here). Sorted by name where shown.
import type { Template } from '../template.js';
import { calCom } from './cal-com.js';
import { chatwoot } from './chatwoot.js';
import { directus } from './directus.js';
import { forgejo } from './forgejo.js';
import { ghost } from './ghost.js';
import { gitea } from './gitea.js';
import { grafana } from './grafana.js';
import { immich } from './immich.js';
import { keycloak } from './keycloak.js';
import { listmonk } from './listmonk.js';
import { mattermost } from './mattermost.js';
import { memos } from './memos.js';
import { metabase } from './metabase.js';
import { minio } from './minio.js';
import { n8n } from './n8n.js';
import { nextcloud } from './nextcloud.js';
import { nocodb } from './nocodb.js';
import { outline } from './outline.js';
import { paperlessNgx } from './paperless-ngx.js';
import { plausible } from './plausible.js';
import { pocketbase } from './pocketbase.js';
import { umami } from './umami.js';
import { uptimeKuma } from './uptime-kuma.js';
import { vaultwarden } from './vaultwarden.js';
import { wordpress } from './wordpress.js';

export const TEMPLATES: readonly Template[] = [calCom, chatwoot, directus, forgejo, ghost, gitea, grafana, immich, keycloak, listmonk, mattermost, memos, metabase, minio, n8n, nextcloud, nocodb, outline, paperlessNgx, plausible, pocketbase, umami, uptimeKuma, vaultwarden, wordpress];
