// Several tasks' output line by line: labels that tell Marathon instances apart, and lines held until their
// newline so the output of two tasks never interleaves inside a line.
import { describe, expect, it } from 'vitest';
import { LabelledLines, taskLabels } from '../../../src/api/task-logs.js';

describe('taskLabels', () => {
  it("labels Marathon instances by the app's safe id and the start of their uuid", () => {
    const ids = [
      'shop_api.instance-0d1c2f3a-1111-4000-8000-000000000001._app.1',
      'shop_api.instance-7a2b9c10-2222-4000-8000-000000000002._app.1',
    ];
    expect(taskLabels(ids)).toEqual(['shop_api.0d1c2f3a', 'shop_api.7a2b9c10']);
  });

  it('starts where the ids differ, and pads every label to the same width', () => {
    expect(taskLabels(['web.instance-abc123456789', 'web.instance-abd9'])).toEqual(['web.c1234567', 'web.d9      ']);
  });

  it('keeps a lone id whole', () => {
    expect(taskLabels(['run-1'])).toEqual(['run-1']);
  });
});

describe('LabelledLines', () => {
  it('labels whole lines and holds a line until its newline', () => {
    const lines = new LabelledLines();
    expect(lines.add({ task: 0, file: 'stdout', text: 'one\ntw' }, 'a | ')).toBe('a | one\n');
    expect(lines.add({ task: 1, file: 'stdout', text: 'uno\n' }, 'b | ')).toBe('b | uno\n');
    expect(lines.add({ task: 0, file: 'stdout', text: 'o\nthr' }, 'a | ')).toBe('a | two\n');
    expect(lines.add({ task: 0, file: 'stderr', text: 'oops' }, 'a | ')).toBe('');
    expect(lines.rest()).toEqual([
      { file: 'stdout', text: 'a | thr\n' },
      { file: 'stderr', text: 'a | oops\n' },
    ]);
  });
});
