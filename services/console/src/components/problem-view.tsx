// The one way an API error is shown: its title, its detail and each field it names with the rule
// broken, in an alert region so a screen reader announces it.
import type { Problem } from '../api/problem';

export function ProblemView({ problem }: { problem: Problem | null | undefined }) {
  if (!problem) return null;
  return (
    <div className="problem" role="alert" data-testid="problem">
      <p className="problem-title">
        <strong>{problem.title}</strong>
        {problem.status ? ` (${problem.status})` : ''}
      </p>
      <p className="problem-detail">{problem.detail}</p>
      {problem.errors.length > 0 && (
        <ul className="problem-fields">
          {problem.errors.map((e, i) => (
            <li key={`${e.field}-${i}`}>
              <code>{e.field}</code>: {e.rule}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
