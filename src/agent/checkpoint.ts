// The agent's checkpoint in SQLite (`<work_dir>/meta/agent.db`): its agent id and every task it has not
// finished with (TaskInfo, framework, container id and handle, state, unacknowledged updates).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { AgentTask, Checkpointed } from './core/protocol.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS agent (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tasks (
  framework_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (framework_id, task_id)
);`;

export function metaDir(workDir: string): string {
  return join(workDir, 'meta');
}

function databaseFile(workDir: string): string {
  return join(metaDir(workDir), 'agent.db');
}

/** What an agent that is not running had checkpointed; null when its work dir holds no checkpoint. */
export function readCheckpoint(workDir: string): Checkpointed | null {
  if (!existsSync(databaseFile(workDir))) return null;
  const checkpoint = new Checkpoint(workDir);
  try {
    return checkpoint.read();
  } finally {
    checkpoint.close();
  }
}

export class Checkpoint {
  private readonly db: Database.Database;
  private readonly putTask: Database.Statement<[string, string, string]>;
  private readonly deleteTask: Database.Statement<[string, string]>;
  private readonly putAgentId: Database.Statement<[string]>;

  constructor(workDir: string) {
    mkdirSync(metaDir(workDir), { recursive: true });
    this.db = new Database(databaseFile(workDir));
    this.db.pragma('journal_mode = WAL');
    this.db.exec(SCHEMA);
    this.putTask = this.db.prepare(
      'INSERT INTO tasks (framework_id, task_id, record) VALUES (?, ?, ?) ON CONFLICT (framework_id, task_id) DO UPDATE SET record = excluded.record',
    );
    this.deleteTask = this.db.prepare('DELETE FROM tasks WHERE framework_id = ? AND task_id = ?');
    this.putAgentId = this.db.prepare("INSERT OR REPLACE INTO agent (key, value) VALUES ('agent_id', ?)");
  }

  read(): Checkpointed {
    const row = this.db.prepare("SELECT value FROM agent WHERE key = 'agent_id'").get() as
      | { value: string }
      | undefined;
    const rows = this.db.prepare('SELECT record FROM tasks ORDER BY rowid').all() as { record: string }[];
    return { agentId: row?.value ?? null, tasks: rows.map((r) => JSON.parse(r.record) as AgentTask) };
  }

  saveAgentId(agentId: string): void {
    this.putAgentId.run(agentId);
  }

  saveTask(task: AgentTask): void {
    this.putTask.run(task.framework.id?.value ?? '', task.info.task_id.value, JSON.stringify(task));
  }

  forgetTask(frameworkId: string, taskId: string): void {
    this.deleteTask.run(frameworkId, taskId);
  }

  close(): void {
    this.db.close();
  }
}
