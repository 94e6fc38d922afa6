// Static migration list: a bundle has no migrations folder to read, so each file is imported here.
import type { Migration } from 'kysely';
import * as m001 from './001_initial.js';
import * as m002 from './002_rollouts.js';
import * as m003 from './003_git_push.js';
import * as m004 from './004_domains.js';
import * as m005 from './005_auto_health.js';
import * as m006 from './006_deployment_variables.js';
import * as m007 from './007_pending_changes.js';
import * as m008 from './008_custom_domains.js';
import * as m009 from './009_certificates.js';
import * as m010 from './010_hsts.js';
import * as m011 from './011_domain_redirects.js';
import * as m012 from './012_spur_domain.js';
import * as m013 from './013_databases.js';
import * as m014 from './014_volumes.js';
import * as m015 from './015_database_backups.js';
import * as m016 from './016_backup_verification.js';
import * as m017 from './017_backup_schedules.js';
import * as m018 from './018_shared_variables.js';
import * as m019 from './019_nodes.js';
import * as m020 from './020_build_plans.js';
import * as m021 from './021_release_command.js';
import * as m022 from './022_build_limits.js';
import * as m023 from './023_watch_paths.js';
import * as m024 from './024_build_variables.js';
import * as m025 from './025_build_cache.js';
import * as m026 from './026_volume_names.js';
import * as m027 from './027_deployment_steps.js';
import * as m028 from './028_deployment_requesters.js';
import * as m029 from './029_pushed_objects.js';
import * as m030 from './030_member_roles.js';
import * as m031 from './031_audit_entries.js';
import * as m032 from './032_invitations.js';
import * as m033 from './033_approvals.js';
import * as m034 from './034_two_factor.js';
import * as m036 from './036_token_scopes.js';
import * as m037 from './037_metrics.js';
import * as m038 from './038_server_metrics.js';
import * as m039 from './039_task_exits.js';
import * as m040 from './040_http_metrics.js';
import * as m041 from './041_alert_channels.js';
import * as m042 from './042_alerts.js';
import * as m043 from './043_promotions.js';
import * as m044 from './044_cron_jobs.js';
import * as m045 from './045_previews.js';
import * as m046 from './046_release_strategies.js';
import * as m047 from './047_preview_reach.js';
import * as m048 from './048_volume_backups.js';
import * as m049 from './049_compose_apps.js';
import * as m050 from './050_events.js';

/** Migrations a database has applied that this Spur does not know: a newer Spur ran them. */
export const unknownMigrations = (applied: string[]) => applied.filter((name) => !(name in migrations));

export const migrations: Record<string, Migration> = {
  '001_initial': m001,
  '002_rollouts': m002,
  '003_git_push': m003,
  '004_domains': m004,
  '005_auto_health': m005,
  '006_deployment_variables': m006,
  '007_pending_changes': m007,
  '008_custom_domains': m008,
  '009_certificates': m009,
  '010_hsts': m010,
  '011_domain_redirects': m011,
  '012_spur_domain': m012,
  '013_databases': m013,
  '014_volumes': m014,
  '015_database_backups': m015,
  '016_backup_verification': m016,
  '017_backup_schedules': m017,
  '018_shared_variables': m018,
  '019_nodes': m019,
  '020_build_plans': m020,
  '021_release_command': m021,
  '022_build_limits': m022,
  '023_watch_paths': m023,
  '024_build_variables': m024,
  '025_build_cache': m025,
  '026_volume_names': m026,
  '027_deployment_steps': m027,
  '028_deployment_requesters': m028,
  '029_pushed_objects': m029,
  '030_member_roles': m030,
  '031_audit_entries': m031,
  '032_invitations': m032,
  '033_approvals': m033,
  '034_two_factor': m034,
  '036_token_scopes': m036,
  '037_metrics': m037,
  '038_server_metrics': m038,
  '039_task_exits': m039,
  '040_http_metrics': m040,
  '041_alert_channels': m041,
  '042_alerts': m042,
  '043_promotions': m043,
  '044_cron_jobs': m044,
  '045_previews': m045,
  '046_release_strategies': m046,
  '047_preview_reach': m047,
  '048_volume_backups': m048,
  '049_compose_apps': m049,
  '050_events': m050,
};
