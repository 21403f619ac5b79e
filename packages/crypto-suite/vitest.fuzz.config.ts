import { packageTestConfig } from '../../vitest.shared.js';

/** Long property runs, outside the default suite: `pnpm fuzz`. */
export default packageTestConfig({ include: ['test/fuzz/**/*.fuzz.ts'], testTimeout: 600_000 });
