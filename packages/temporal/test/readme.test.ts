import { readmeSuite } from '@qsp/test-kit/vitest';

readmeSuite(new URL('../README.md', import.meta.url));
