#!/usr/bin/env node
// oclif entry point for the minicluster CLI (commands are compiled into dist/cli/commands).
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
