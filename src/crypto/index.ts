// The crypto layer's public API: the network CA and node certificates, resident card certificates, canonical JSON and
// its signatures, key stores, and the CA kept in a directory. Test helpers live in ./testing/ and are imported from
// there directly.

export {
  RevocationReason,
  certificateFingerprint,
  createCrl,
  createRootCa,
  generateNodeKeyPair,
  issueNodeCertificate,
  readNodeIdentity,
  type CaMaterial,
  type NodeIdentity,
  type RevokedCertificate,
} from './ca.js';
export { fileExists, isNotFound, writeFileAtomic } from './atomic-file.js';
export {
  CardTerminalRole,
  createCardIssuerCa,
  createCardTerminalCa,
  cardTerminalIdOf,
  issueCardCertificate,
  issueCardTerminalCertificate,
  readCardCertificate,
  readCardTerminalCertificate,
  verifyCertificateChain,
  type CardCertificateInfo,
  type CardTerminalCertificateInfo,
} from './card-certificate.js';
export { canonicalJson } from './canonical-json.js';
export { openSoftwareKeyStore, type KeyStore } from './key-store.js';
export {
  initPkiDirectory,
  openPkiDirectory,
  pkiPaths,
  type IssuedCertificate,
  type PkiDirectory,
  type PkiPaths,
} from './pki-directory.js';
export {
  SEALED_FILE_CHUNK_BYTES,
  SEALED_FILE_SUITE,
  openSealedFile,
  readSealedFileHeader,
  sealFile,
  type SealedFileHeader,
  type SealingParty,
} from './sealed-file.js';
export { signCanonical, verifyCanonical } from './signature.js';
