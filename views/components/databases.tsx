// A project environment's databases on the project page: each with its state, the reference a
// service's variable uses, and its deletion (for a role that may); and the form that adds one.
import type { DatabaseView } from '../../src/actions/databases.js';
import { CopyButton } from './copy-button.js';
import type { Referrers } from '../../src/actions/words.js';
import { StateWithDetail } from './state-mark.js';
import { DeleteForm } from './delete-form.js';
import { Field, FieldError, type FormState, PostForm } from './form.js';

const ENGINE_CHOICES = [
  ['postgres', 'PostgreSQL'],
  ['mysql', 'MySQL'],
  ['mariadb', 'MariaDB'],
  ['redis', 'Redis'],
  ['mongodb', 'MongoDB'],
] as const;


export function DatabaseList(props: { project: string; environment: string; databases: DatabaseView[]; csrf?: string; forms?: Record<string, FormState>; mayDelete: boolean }) {
  if (props.databases.length === 0) return <p class="empty">No databases in {props.environment}.</p>;
  return (
    <ul class="list databases">
      {props.databases.map((d) => (
        <li>
          <a href={`/projects/${props.project}/databases/${d.name}?env=${props.environment}`}><strong>{d.name}</strong></a> <span class="muted">{d.image}</span> <StateWithDetail state={d.state} />{' · '}
          <span>
            <code class="reference">{d.reference}</code> <CopyButton text={d.reference} label={`${d.name}'s reference`} />
          </span>
          {props.mayDelete && (
            <details open={!!props.forms?.[`delete-database-${d.name}`]}>
              <summary>Delete {d.name}</summary>
              <DeleteDatabaseForm project={props.project} environment={props.environment} name={d.name} referrers={d.usedBy} csrf={props.csrf} state={props.forms?.[`delete-database-${d.name}`]} />
            </details>
          )}
        </li>
      ))}
    </ul>
  );
}

export function NewDatabaseForm(props: { project: string; environment: string; csrf?: string; state?: FormState }) {
  const f = { form: 'new-database', state: props.state };
  const chosen = props.state?.values.engine ?? 'postgres';
  return (
    <PostForm id="new-database" action={`/projects/${props.project}/databases?env=${props.environment}`} csrf={props.csrf} state={props.state} class="row">
      <Field {...f} name="name" label="Database name" attrs={{ required: true, pattern: '[a-z][a-z0-9\\-]*', maxlength: 20, placeholder: 'pg' }} />
      <label class="field">
        <span>Engine</span>
        <select name="engine">
          {ENGINE_CHOICES.map(([value, label]) => <option value={value} selected={value === chosen}>{label}</option>)}
        </select>
        <FieldError name="engine" state={props.state} />
      </label>
      <Field {...f} name="version" label="Version (image tag)" attrs={{ placeholder: 'default' }} />
      <button type="submit">Add database</button>
    </PostForm>
  );
}

export function DeleteDatabaseForm(props: { project: string; environment: string; name: string; referrers?: Referrers; csrf?: string; state?: FormState }) {
  const id = `delete-database-${props.name}`;
  return (
    <DeleteForm id={id} action={`/projects/${props.project}/databases/${props.name}/delete?env=${props.environment}`} name={props.name} what={`database ${props.name}`} referrers={props.referrers} csrf={props.csrf} state={props.state}>
      <label class="check"><input type="checkbox" name="deleteData" /> Delete its data volume too (kept otherwise)</label>
      <label class="check"><input type="checkbox" name="deleteBackups" /> Delete all its backups too (its newest is kept otherwise)</label>
    </DeleteForm>
  );
}
