// The Settings tab's Volumes section: each named volume and where it is mounted, removal, and the
// form that adds one (for a role that may change volumes). A service with a volume updates
// stop-first; the section says so.
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
