import { packageBuild } from '../../tsup.shared.js';

export default packageBuild({
  index: 'src/index.ts',
  file: 'src/file.ts',
  pg: 'src/pg.ts',
  metrics: 'src/metrics.ts',
  cli: 'src/cli.ts',
});
