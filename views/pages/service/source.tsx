// The Settings tab's source form: where the service comes from (a git repository, git push, or a
// Docker image), changed with the same checks as at creation. It answers in place; a role that may
// not change the service reads it, greyed.
import { Field, FieldError, type FormState, PostForm } from '../../components/form.js';
import { SOURCE_KINDS, sourceKind } from '../../../src/sources/index.js';
import { type ServicePageProps, paths } from './common.js';

export function SourceForm(props: ServicePageProps & { state?: FormState }) {
  const { base, q, csrf } = paths(props);
  const s = props.status.source;
  const built = sourceKind(s.type).builds ? s : undefined;
  const f = { form: 'source', state: props.state };
  const chosen = props.state?.values.kind ?? s.type;
  return (
    <PostForm id="source" readOnly={!props.may['service.change']} action={`${base}/source${q}`} csrf={csrf} state={props.state} class="stack wide">
      <fieldset aria-describedby="source-kind-hint">
        <legend>Where it comes from</legend>
        <div class="row">
          {SOURCE_KINDS.map(({ name, choice }) => (
            <label class="check"><input type="radio" name="kind" value={name} checked={chosen === name} /> {choice}</label>
          ))}
        </div>
        <p id="source-kind-hint" class="muted">Only the fields of the kind chosen here are used. The default branch is what production builds unless its Git settings below name another.</p>
        <FieldError name="kind" state={props.state} />
        <FieldError name="source" state={props.state} />
      </fieldset>
      <fieldset>
        <legend>Git repository or git push</legend>
        <Field {...f} name="git" label="Git URL (a repository Spur clones)" value={built?.gitUrl ?? ''} attrs={{ placeholder: 'https://github.com/you/app.git', spellcheck: 'false', autocomplete: 'off' }} />
        <div class="row">
          <Field {...f} name="branch" label="Default branch" value={built?.branch ?? ''} attrs={{ placeholder: 'main', spellcheck: 'false' }} />
          <Field {...f} name="rootDir" label="Root directory" value={built?.rootDir ?? ''} attrs={{ placeholder: '.', spellcheck: 'false' }} />
          <Field {...f} name="dockerfilePath" label="Dockerfile path" value={built?.dockerfilePath ?? ''} attrs={{ placeholder: 'Dockerfile', spellcheck: 'false' }} />
        </div>
      </fieldset>
      <fieldset>
        <legend>Docker image</legend>
        <Field {...f} name="image" label="Image" value={built ? '' : (s.image ?? '')} attrs={{ placeholder: 'nginx:1.27', spellcheck: 'false', autocomplete: 'off' }} />
      </fieldset>
      {props.may['service.change'] && (
        <>
          <p class="muted">What runs now keeps serving; the next deploy uses the new source. Going to an image removes the webhook, deploy key and HTTPS token; going to another repository removes the HTTPS token.</p>
          <button type="submit">Save source</button>
        </>
      )}
    </PostForm>
  );
}
