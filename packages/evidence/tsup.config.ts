import { packageBuild } from '../../tsup.shared.js';

export default packageBuild({
  index: 'src/index.ts',
  node: 'src/node.ts',
  store: 'src/store.ts',
  http: 'src/http.ts',
  bin: 'src/bin.ts',
});
