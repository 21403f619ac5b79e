import { EvidenceError } from '../errors.js';

/** SQLSTATEs raised by the store's triggers (class "QE": user-defined, not used by PostgreSQL). */
export const SQLSTATE = {
  RETENTION_LOCKED: 'QE001',
  ILLEGAL_TRANSITION: 'QE002',
  AUDIT_APPEND_ONLY: 'QE003',
} as const;

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/** A schema name safe to splice into SQL (lowercase identifier, no quoting tricks). */
export function schemaIdent(name: string): string {
  if (!IDENT.test(name))
    throw new EvidenceError('INVALID_ARGUMENT', `schema name "${name}" must match ${IDENT}`);
  return `"${name}"`;
}

/**
 * The whole database definition, idempotent. Invariants live here, not only
 * in TypeScript: WORM retention, the lifecycle and the append-only,
 * hash-chained audit log are enforced by triggers, so another client on the
 * same database cannot bypass them with plain SQL.
 */
export function schemaSql(name: string): string {
  const s = schemaIdent(name);
  return `
CREATE SCHEMA IF NOT EXISTS ${s};

CREATE TABLE IF NOT EXISTS ${s}.jobs (
  id VARCHAR(128) NOT NULL,
  tenant_id VARCHAR(128) NOT NULL,
  backend_id VARCHAR(100) NOT NULL,
  status VARCHAR(20) NOT NULL DEFAULT 'JobCreated',
  shots_requested INTEGER,
  submitted_at TIMESTAMPTZ,
  completed_at TIMESTAMPTZ,
  cost_estimate NUMERIC(10, 4),
  cost_final NUMERIC(10, 4),
  record JSONB,
  failure_reason TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE IF NOT EXISTS ${s}.evidence_bundles (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id VARCHAR(128) NOT NULL,
  job_id VARCHAR(128) NOT NULL,
  bundle_id VARCHAR(128) NOT NULL,
  manifest JSONB NOT NULL,
  manifest_hash VARCHAR(64) NOT NULL,
  merkle_root VARCHAR(64) NOT NULL,
  signature_algorithm VARCHAR(50) NOT NULL,
  signature_key_id VARCHAR(100) NOT NULL,
  signature_value TEXT NOT NULL,
  storage_uri TEXT NOT NULL,
  status VARCHAR(20) NOT NULL DEFAULT 'BundleSigned' CHECK (status IN ('BundleSigned', 'BundleVerified')),
  retention_class VARCHAR(20) NOT NULL CHECK (retention_class IN ('standard', 'compliance', 'enterprise')),
  immutable BOOLEAN NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  retain_until TIMESTAMPTZ NOT NULL,
  verification_count INTEGER NOT NULL DEFAULT 0,
  last_verified_at TIMESTAMPTZ,
  UNIQUE (tenant_id, job_id),
  UNIQUE (tenant_id, bundle_id),
  UNIQUE (tenant_id, manifest_hash),
  FOREIGN KEY (tenant_id, job_id) REFERENCES ${s}.jobs (tenant_id, id),
  CHECK (retention_class <> 'standard' OR (NOT immutable AND retain_until = created_at + interval '365 days')),
  CHECK (retention_class <> 'compliance' OR (immutable AND retain_until >= created_at + interval '7 years')),
  CHECK (retain_until >= created_at)
);

CREATE TABLE IF NOT EXISTS ${s}.artifacts (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id VARCHAR(128) NOT NULL,
  job_id VARCHAR(128) NOT NULL,
  position INTEGER NOT NULL,
  name VARCHAR(255) NOT NULL,
  hash_value VARCHAR(64) NOT NULL CHECK (hash_value ~ '^[0-9a-f]{64}$'),
  size_bytes BIGINT NOT NULL CHECK (size_bytes >= 0),
  content_type VARCHAR(255) NOT NULL,
  storage_uri TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, job_id, name),
  UNIQUE (tenant_id, job_id, position),
  FOREIGN KEY (tenant_id, job_id) REFERENCES ${s}.jobs (tenant_id, id)
);

CREATE SEQUENCE IF NOT EXISTS ${s}.evidence_audit_log_seq;

CREATE TABLE IF NOT EXISTS ${s}.evidence_audit_log (
  id BIGINT PRIMARY KEY,
  "timestamp" TIMESTAMPTZ NOT NULL DEFAULT now(),
  tenant_id VARCHAR(128) NOT NULL,
  action VARCHAR(50) NOT NULL,
  resource_type VARCHAR(50),
  resource_id VARCHAR(128),
  details JSONB NOT NULL DEFAULT '{}'::jsonb,
  prev_hash CHAR(64) NOT NULL,
  row_hash CHAR(64) NOT NULL
);
CREATE INDEX IF NOT EXISTS evidence_audit_log_tenant ON ${s}.evidence_audit_log (tenant_id, id);

-- What each audit row's hash commits to: an unambiguous JSON array of its columns.
CREATE OR REPLACE FUNCTION ${s}.audit_material(
  p_id BIGINT, p_ts TIMESTAMPTZ, p_tenant TEXT, p_action TEXT, p_type TEXT, p_resource TEXT, p_details JSONB
) RETURNS TEXT LANGUAGE sql STABLE AS $f$
  SELECT jsonb_build_array(
    p_id::text,
    to_char(p_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    p_tenant, p_action, p_type, p_resource, p_details
  )::text
$f$;

CREATE OR REPLACE FUNCTION ${s}.audit_chain() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE
  prev TEXT;
BEGIN
  -- One writer per tenant chain at a time, held to commit, so ids follow chain order.
  PERFORM pg_advisory_xact_lock(hashtextextended(TG_TABLE_SCHEMA || '.audit.' || NEW.tenant_id, 0));
  SELECT row_hash INTO prev FROM ${s}.evidence_audit_log
    WHERE tenant_id = NEW.tenant_id ORDER BY id DESC LIMIT 1;
  NEW.id := nextval('${name}.evidence_audit_log_seq');
  NEW."timestamp" := now();
  NEW.prev_hash := coalesce(prev, repeat('0', 64));
  NEW.row_hash := encode(sha256(decode(NEW.prev_hash, 'hex') || convert_to(
    ${s}.audit_material(NEW.id, NEW."timestamp", NEW.tenant_id, NEW.action, NEW.resource_type, NEW.resource_id, NEW.details),
    'UTF8')), 'hex');
  RETURN NEW;
END
$f$;

CREATE OR REPLACE FUNCTION ${s}.audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  RAISE EXCEPTION 'evidence_audit_log is append-only (% refused)', TG_OP USING ERRCODE = '${SQLSTATE.AUDIT_APPEND_ONLY}';
END
$f$;

CREATE OR REPLACE TRIGGER audit_chain BEFORE INSERT ON ${s}.evidence_audit_log
  FOR EACH ROW EXECUTE FUNCTION ${s}.audit_chain();
CREATE OR REPLACE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON ${s}.evidence_audit_log
  FOR EACH ROW EXECUTE FUNCTION ${s}.audit_append_only();
CREATE OR REPLACE TRIGGER audit_no_truncate BEFORE TRUNCATE ON ${s}.evidence_audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION ${s}.audit_append_only();

CREATE OR REPLACE FUNCTION ${s}.bundle_worm() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    IF EXISTS (SELECT 1 FROM ${s}.evidence_bundles WHERE immutable AND now() < retain_until) THEN
      RAISE EXCEPTION 'evidence_bundles holds WORM bundles in retention' USING ERRCODE = '${SQLSTATE.RETENTION_LOCKED}';
    END IF;
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    IF OLD.immutable AND now() < OLD.retain_until THEN
      RAISE EXCEPTION 'bundle % is WORM until %', OLD.bundle_id, OLD.retain_until
        USING ERRCODE = '${SQLSTATE.RETENTION_LOCKED}';
    END IF;
    RETURN OLD;
  END IF;
  -- What a bundle is never changes; verification bookkeeping may, and retention may only grow.
  IF (NEW.id, NEW.tenant_id, NEW.job_id, NEW.bundle_id, NEW.manifest, NEW.manifest_hash, NEW.merkle_root,
      NEW.signature_algorithm, NEW.signature_key_id, NEW.signature_value, NEW.storage_uri, NEW.created_at)
     IS DISTINCT FROM
     (OLD.id, OLD.tenant_id, OLD.job_id, OLD.bundle_id, OLD.manifest, OLD.manifest_hash, OLD.merkle_root,
      OLD.signature_algorithm, OLD.signature_key_id, OLD.signature_value, OLD.storage_uri, OLD.created_at)
     AND OLD.immutable AND now() < OLD.retain_until THEN
    RAISE EXCEPTION 'bundle % is WORM until %', OLD.bundle_id, OLD.retain_until
      USING ERRCODE = '${SQLSTATE.RETENTION_LOCKED}';
  END IF;
  IF OLD.immutable AND now() < OLD.retain_until AND
     (NEW.immutable IS DISTINCT FROM OLD.immutable OR NEW.retention_class IS DISTINCT FROM OLD.retention_class
      OR NEW.retain_until < OLD.retain_until) THEN
    RAISE EXCEPTION 'retention of bundle % cannot be weakened', OLD.bundle_id
      USING ERRCODE = '${SQLSTATE.RETENTION_LOCKED}';
  END IF;
  RETURN NEW;
END
$f$;

CREATE OR REPLACE TRIGGER bundle_worm BEFORE UPDATE OR DELETE ON ${s}.evidence_bundles
  FOR EACH ROW EXECUTE FUNCTION ${s}.bundle_worm();
CREATE OR REPLACE TRIGGER bundle_worm_truncate BEFORE TRUNCATE ON ${s}.evidence_bundles
  FOR EACH STATEMENT EXECUTE FUNCTION ${s}.bundle_worm();

CREATE OR REPLACE FUNCTION ${s}.artifact_worm() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    IF EXISTS (SELECT 1 FROM ${s}.evidence_bundles WHERE immutable AND now() < retain_until) THEN
      RAISE EXCEPTION 'artifacts of WORM bundles are in retention' USING ERRCODE = '${SQLSTATE.RETENTION_LOCKED}';
    END IF;
    RETURN NULL;
  END IF;
  IF EXISTS (SELECT 1 FROM ${s}.evidence_bundles b
             WHERE b.tenant_id = OLD.tenant_id AND b.job_id = OLD.job_id AND b.immutable AND now() < b.retain_until) THEN
    RAISE EXCEPTION 'artifact % belongs to a WORM bundle in retention', OLD.name
      USING ERRCODE = '${SQLSTATE.RETENTION_LOCKED}';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END
$f$;

CREATE OR REPLACE TRIGGER artifact_worm BEFORE UPDATE OR DELETE ON ${s}.artifacts
  FOR EACH ROW EXECUTE FUNCTION ${s}.artifact_worm();
CREATE OR REPLACE TRIGGER artifact_worm_truncate BEFORE TRUNCATE ON ${s}.artifacts
  FOR EACH STATEMENT EXECUTE FUNCTION ${s}.artifact_worm();

-- The seed's lifecycle diagram, enforced for every writer.
CREATE OR REPLACE FUNCTION ${s}.job_lifecycle() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.status <> 'JobCreated' THEN
      RAISE EXCEPTION 'a job starts in JobCreated, not %', NEW.status USING ERRCODE = '${SQLSTATE.ILLEGAL_TRANSITION}';
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.tenant_id IS DISTINCT FROM OLD.tenant_id THEN
    RAISE EXCEPTION 'a job keeps its id and tenant' USING ERRCODE = '${SQLSTATE.ILLEGAL_TRANSITION}';
  END IF;
  IF NEW.status IS DISTINCT FROM OLD.status AND (OLD.status, NEW.status) NOT IN (
      ('JobCreated', 'JobRunning'), ('JobRunning', 'JobCompleted'), ('JobRunning', 'JobFailed'),
      ('JobCompleted', 'BundlePending'), ('BundlePending', 'BundlePackaging'),
      ('BundlePackaging', 'BundleSigned'), ('BundleSigned', 'BundleVerified')) THEN
    RAISE EXCEPTION 'illegal transition % -> %', OLD.status, NEW.status USING ERRCODE = '${SQLSTATE.ILLEGAL_TRANSITION}';
  END IF;
  IF OLD.status NOT IN ('JobCreated', 'JobRunning') AND NEW.record IS DISTINCT FROM OLD.record THEN
    RAISE EXCEPTION 'a completed job record is fixed' USING ERRCODE = '${SQLSTATE.ILLEGAL_TRANSITION}';
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END
$f$;

CREATE OR REPLACE TRIGGER job_lifecycle BEFORE INSERT OR UPDATE ON ${s}.jobs
  FOR EACH ROW EXECUTE FUNCTION ${s}.job_lifecycle();
`;
}
