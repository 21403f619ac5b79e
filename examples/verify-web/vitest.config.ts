import { packageTestConfig } from '../../vitest.shared.js';

// The browser tests share one Chromium and one server; files run one after another.
export default packageTestConfig({ fileParallelism: false });
