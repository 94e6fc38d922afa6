// The Settings tab's Volumes section: each named volume and where it is mounted, its backups
// (back up now, schedule and retention, restore), removal, and the form that adds one (for a role
// that may change volumes). A service with a volume updates stop-first; the section says so.
import { Field, type FormState, PostForm } from '../../components/form.js';
import { CsrfField } from '../../layout.js';
import { actionAttrs, actionWords } from '../../../src/actions/words.js';
import { type ServicePageProps, paths } from './common.js';

type FormProps = ServicePageProps & { state?: FormState };

export function VolumesSection(props: FormProps) {
  const { base, q, csrf } = paths(props);
  const change = props.may['volumes.change'];
  return (
    <div id="volumes">
      {props.volumes.length === 0 ? (
        <p class="empty">No volumes: what the app writes is lost with each new version.</p>
      ) : (
        <>
          <ul class="list">
            {props.volumes.map((v) => (
              <li>
                <strong>{v.name}</strong> <code>{v.mountPath}</code> <span class="muted">Docker volume <code>{v.dockerVolume}</code></span>
                {change && (
                <form method="post" action={`${base}/volumes/remove${q}`} {...actionAttrs(actionWords('removeVolume', { service: props.status.service, volume: v.name, dockerVolume: v.dockerVolume }))}>
                  <CsrfField token={csrf} />
                  <input type="hidden" name="name" value={v.name} />
                  <button type="submit" aria-label={`Remove volume ${v.name}`}>Remove</button>
                </form>
                )}
                <VolumeBackups {...props} volume={v.name} />
              </li>
            ))}
          </ul>
          <p class="muted">With a volume, a deploy stops the running version before starting the new one (two versions never write the same files): expect a few seconds without an answer.</p>
        </>
      )}
      {change && <AddVolumeForm {...props} />}
    </div>
  );
}

/** A volume's backups: the newest few, each restorable, "back up now", and its schedule. */
function VolumeBackups(props: FormProps & { volume: string }) {
  const { base, q, csrf } = paths(props);
  const info = props.volumeBackups?.[props.volume];
  if (!info) return null;
  const change = props.may['volumes.change'];
  const restore = props.may['volumes.restore'];
  return (
    <details class="volume-backups">
      <summary>Backups of {props.volume} ({info.schedule ? <>on <code>{info.schedule}</code> UTC</> : 'only when asked'}, {info.keep} kept)</summary>
      {info.backups.length === 0 ? (
        <p class="empty">No backups yet.</p>
      ) : (
        <table>
          <caption>Newest backups of {props.volume}</caption>
          <thead><tr><th scope="col">Backup</th><th scope="col">Taken</th><th scope="col">Status</th><th scope="col">Size</th>{restore && <th scope="col"><span class="visually-hidden">Restore</span></th>}</tr></thead>
          <tbody>
            {info.backups.map((b) => (
              <tr>
                <td>#{b.id}</td>
                <td><time datetime={b.createdAt}>{b.createdAt.replace('T', ' ').slice(0, 19)}</time> <span class="muted">{b.trigger}</span></td>
                <td>{b.status}{b.error ? <div class="muted">{b.error}</div> : ''}{b.remote ? <div class="muted">S3 copy: {b.remote.status}</div> : ''}</td>
                <td>{b.size === null ? '—' : `${b.size} bytes`}</td>
                {restore && (
                  <td>
                    {b.status === 'ok' && (
                      <form method="post" action={`${base}/volumes/restore${q}`} {...actionAttrs(actionWords('restoreVolume', { service: props.status.service, volume: props.volume, backup: b.id }))}>
                        <CsrfField token={csrf} />
                        <input type="hidden" name="name" value={props.volume} />
                        <input type="hidden" name="backup" value={String(b.id)} />
                        <button type="submit" aria-label={`Restore ${props.volume} from backup #${b.id}`}>Restore</button>
                      </form>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {change && (
        <div class="actions">
          <form method="post" action={`${base}/volumes/backup${q}`} {...actionAttrs(actionWords('backUpVolume', { volume: props.volume }))}>
            <CsrfField token={csrf} />
            <input type="hidden" name="name" value={props.volume} />
            <button type="submit" aria-label={`Back up ${props.volume} now`}>Back up now</button>
          </form>
          <form method="post" action={`${base}/volumes/backup-schedule${q}`} class="row">
            <CsrfField token={csrf} />
            <input type="hidden" name="name" value={props.volume} />
            <label class="field"><span>Schedule (cron, UTC; none for none)</span><input name="schedule" value={info.schedule ?? 'none'} /></label>
            <label class="field"><span>Backups kept</span><input name="keep" inputmode="numeric" value={String(info.keep)} /></label>
            <button type="submit" aria-label={`Save the backup schedule of ${props.volume}`}>Save schedule</button>
          </form>
        </div>
      )}
    </details>
  );
}

export function AddVolumeForm(props: FormProps) {
  const { base, q, csrf } = paths(props);
  return (
    <PostForm id="add-volume" action={`${base}/volumes${q}`} csrf={csrf} state={props.state} class="row">
      <Field form="add-volume" name="name" label="Volume name" state={props.state} attrs={{ placeholder: 'data', pattern: '[a-z][a-z0-9\\-]*', maxlength: 20 }} />
      <Field form="add-volume" name="mountPath" label="Mount path" state={props.state} attrs={{ placeholder: '/data' }} />
      <button type="submit">Add volume</button>
    </PostForm>
  );
}
