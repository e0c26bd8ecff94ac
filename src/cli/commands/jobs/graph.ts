// `minicluster jobs graph [--dot]`: the dependency graph, as indented text or as Chronos's DOT.
import { Flags } from '@oclif/core';
import { graphText } from '../../../api/chronos.js';
import { ChronosCommand } from '../../chronos.js';

export default class JobsGraph extends ChronosCommand {
  static override description = 'the jobs and the jobs that run after them, with their last outcome and state';

  static override flags = { dot: Flags.boolean({ description: 'print GET /v1/scheduler/graph/dot (Graphviz)' }) };

  async run(): Promise<void> {
    const { flags } = await this.parse(JobsGraph);
    const client = await this.chronos(flags);
    this.log(flags.dot ? (await client.graph('dot')).trimEnd() : graphText(await client.graph('csv')));
  }
}
