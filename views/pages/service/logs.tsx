// The Logs tab: runtime logs followed live — by default the tasks of the version that serves;
// with ?all=1 every task Swarm still knows, each marked with its version and state.
import { LogView } from '../../components/log-view.js';
import { type ServicePageProps, paths } from './common.js';

export function LogsTab(props: ServicePageProps) {
  const { base, q } = paths(props);
  return (
    <>
      <p class="muted">
        {props.allTasks ? <>Every task Swarm still knows, old versions and crashed ones too, each as <code>service.slot#deployment</code>. <a href={`${base}/logs${q}`}>Only the version that serves</a></> : <>The tasks of the version that serves, newest lines last; each line with its time and task. <a href={`${base}/logs${q}&all=1`}>Older versions and crashed tasks too</a></>}
      </p>
      <LogView id="runtime-log" label="Runtime logs" download={`${base}/logs.txt${q}`} tasks sse={{ connect: `${base}/logs/events${q}${props.allTasks ? '&all=1' : ''}` }} />
    </>
  );
}
