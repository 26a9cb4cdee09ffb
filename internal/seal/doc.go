// Package seal protects iamgate's secrets at rest: access-key secrets and
// session tokens are sealed with AES-256-GCM under a per-data-dir master key
// ({dataDir}/master.key, 32 random bytes, mode 0600, directory 0700) before
// they reach a store. The caller passes associated data (the access key id)
// so a sealed value cannot be moved to another record unnoticed.
//
// It also owns the Secret type, which redacts itself in logs and fmt output,
// and WriteFile0600 for the credentials files iamgate writes.
//
// It does not own key rotation or a KMS. AES-GCM as in NIST SP 800-38D; a
// fresh random 96-bit nonce per Seal.
package seal
