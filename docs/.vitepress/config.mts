import { defineConfig } from 'vitepress';

// Dead links fail the build (VitePress's default): CI's docs build is the link check.
export default defineConfig({
  title: 'QSP toolkit',
  description: 'TypeScript libraries for quantum-safe trust infrastructure',
  cleanUrls: true,
  srcExclude: ['**/README.md', 'node_modules/**'],
  themeConfig: {
    nav: [
      { text: 'Guides', link: '/guides/session' },
      { text: 'Specification', link: '/qsp-v1' },
      { text: 'Threat model', link: '/threat-model' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: [
      {
        text: 'Overview',
        items: [
          { text: 'Introduction', link: '/' },
          { text: 'Architecture', link: '/architecture' },
          { text: 'Threat model', link: '/threat-model' },
          { text: 'Seed documents', link: '/seeds' },
        ],
      },
      {
        text: 'Guides',
        items: [
          { text: 'A quantum-safe channel in an app', link: '/guides/session' },
          { text: 'DQSN in a gateway', link: '/guides/gateway' },
          { text: 'Pinning contract versions', link: '/guides/contract-pinning' },
        ],
      },
      {
        text: 'Specifications',
        items: [
          { text: 'QSP v1.0 protocol', link: '/qsp-v1' },
          { text: 'Wire format', link: '/wire-format' },
          { text: 'Crypto suites', link: '/crypto-suite' },
          { text: 'Product contract', link: '/contract' },
          { text: 'Evidence bundles', link: '/evidence-bundle' },
          { text: 'DQSN Shield Contract v3', link: '/dqsn' },
          { text: 'Temporal leases (QSAFP)', link: '/temporal' },
        ],
      },
      {
        text: 'API reference',
        items: [
          { text: 'Overview', link: '/api/' },
          { text: '@qsp/wire', link: '/api/wire' },
          { text: '@qsp/crypto-suite', link: '/api/crypto-suite' },
          { text: '@qsp/session', link: '/api/session' },
          { text: '@qsp/contract', link: '/api/contract' },
          { text: '@qsp/evidence', link: '/api/evidence' },
          { text: '@qsp/dqsn', link: '/api/dqsn' },
          { text: '@qsafp/temporal', link: '/api/temporal' },
        ],
      },
    ],
    search: { provider: 'local' },
  },
});
