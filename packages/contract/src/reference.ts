// The contract the Stage286 reference tools produced (public repository
// mokkunsuzuki-code/stage288, whose history holds stage286; MIT), byte for
// byte, with its `.sha256` file. Shipped so any consumer (a verification
// page, a test, the demo) can check its verifier against a contract nobody on
// this project wrote. test/reference.test.ts holds it equal to the file.

/** The Stage286 reference contract file and its `sha256sum` line. */
export const STAGE286_REFERENCE: {
  readonly fileName: string;
  readonly text: string;
  readonly sha256File: string;
} = {
  fileName: 'qsp_product_contract.json',
  text: '{\n  "decision_layer": {\n    "decision": "accept",\n    "reason": "QSP internal product contract is well-formed and all required trust dimensions are represented.",\n    "scores": {\n      "execution_trust": 1.0,\n      "identity_trust": 1.0,\n      "integrity_trust": 1.0,\n      "time_trust": 0.5,\n      "total_trust": 0.5\n    },\n    "verified_claims": [\n      "QSP decision is normalized before exposure",\n      "Fail-closed state is part of the product contract",\n      "VEP consumes a stable export contract"\n    ]\n  },\n  "enforcement_layer": {\n    "allowed_outputs": [\n      "normalized_contract",\n      "public_verification_artifacts",\n      "verification_page_inputs"\n    ],\n    "execution_state": "released",\n    "fail_closed": true\n  },\n  "exposure_layer": {\n    "contract_sha256": "ee985b076cc137423b8b938e0f1631d81fa25d2b71629a27b58c52293fd98115",\n    "exposure_artifacts": [\n      "release_manifest.json",\n      "release_manifest.json.sha256",\n      "github_actions_receipt.json",\n      "public_verification_url"\n    ],\n    "public_status": "accept"\n  },\n  "generated_at": "2026-04-23T01:06:18.853317+00:00",\n  "input_layer": {\n    "evidence": {\n      "execution": {\n        "ci_reproducible": true,\n        "workflow_evidence_present": true\n      },\n      "identity": {\n        "issuer_bound": true,\n        "signature_present": true\n      },\n      "integrity": {\n        "manifest_bound": true,\n        "sha256_present": true\n      },\n      "time": {\n        "ots_present": true,\n        "settlement_status": "pending_or_complete"\n      }\n    },\n    "policy": {\n      "fail_closed_required": true,\n      "policy_id": "qsp-product-policy-v1"\n    },\n    "session_id": "qsp-session-stage286-demo",\n    "subject": "QSP internal product connection"\n  },\n  "spec_version": "1.0.0",\n  "stage": "stage286"\n}\n',
  sha256File: '82ff666cd59dc7dc96a39d770a56a9b951f1c48bec67479bc704ad3f74fb55fd  qsp_product_contract.json\n',
};
