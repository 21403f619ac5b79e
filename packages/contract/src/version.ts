/**
 * The contract's own semver, written into every contract as `spec_version`.
 *
 * - patch: documentation and verifier fixes; contracts are byte-identical.
 * - minor: may add optional fields, engines and evidence kinds; never removes
 *   or renames a field, changes a type or meaning, or relaxes a verify check.
 *   A contract made at 1.x is valid at every 1.y with y >= x.
 * - major: anything else (a field removed or renamed, a new digest rule as the
 *   default, an enum value changed).
 *
 * This verifier accepts spec versions from 1.0.0 up to CONTRACT_VERSION; a
 * newer minor may carry fields it cannot judge, so it fails the version check.
 */
export const CONTRACT_VERSION = '1.0.0';

const [major, minor] = CONTRACT_VERSION.split('.').map(Number) as [number, number];

/** The semver range of `spec_version` values this implementation can verify: same major, minor up to ours. */
export const SUPPORTED_RANGE = `>=${major}.0.0 <${major}.${minor + 1}.0-0`;

/** The stage binding every contract carries: the Stage286 product contract. */
export const STAGE = 'stage286';
