/**
 * Published documentation examples: values that specifications print as examples of credentials
 * (the OAuth 1.0 and OAuth 2.0 RFCs and drafts), copied into the docstrings of every library that
 * implements them (oauthlib, vendored by requests). They are public by publication, so no rule
 * reports them and they never become known secrets (known-secrets.ts `matchableBare`).
 *
 * Only SHA-256 fingerprints (of the value's UTF-8 bytes, exactly as printed) are stored, never the
 * values: the repository must hold nothing secret-shaped. Each entry names the document and section
 * that prints the value, so anyone can recompute the fingerprint from the published text. The AWS
 * documentation keys are not here: their `EXAMPLE` / `EXAMPLEKEY` suffix is a stand-in (placeholders.ts).
 *
 * Also values public by design in widely vendored code and docs: the Google API keys of
 * firebase/firebase-android-sdk's test fixtures (a Firebase key identifies a project; gitleaks's
 * gcp-api-key rule allowlists the same keys), the example passwords of NuGet's nuget.config
 * documentation (`ClearTextPassword`), and the Algolia search-only key bundled in yarnpkg/berry's CLI
 * (yarnpkg/berry issue 6201).
 */
import { createHash } from 'node:crypto';

/** [sha256 hex, what the document calls the value]; grouped by document and section. */
const FINGERPRINTS: readonly (readonly [string, string])[] = [
  // RFC 5849 §1.2
  ['293257ab6495ebb11cf9e4aee0686ca30df8de2ab8d251f2cbbcf177bdfcae91', 'client identifier'],
  ['cb87c87e4a138d9a72259d2a01bab15623c9846e568c1509b287721645a6ea53', 'client shared secret'],
  ['4c20e6f5cc11b93731e74cbe20739821d61c3563c9f50ecb884a27cd369f01fb', 'temporary credentials identifier'],
  ['6aa14267d94944e6b6483c81f5ad37f87bbc7e88aa368d4aba1e71e0b79cd8c4', 'temporary credentials shared secret'],
  ['5586407997f5e8492fa0d6d310460386c80cc3542de6c876f75582bc219d4b82', 'verification code'],
  ['bb9b1163338b2a51495834ad5c65420443d6327381cf0f94ebf92b117f209d72', 'token identifier'],
  ['649e1f5c769e718ba10d1a702a36499a731441d960b06da91c4c97786bf84595', 'token shared secret'],
  ['0699bbe944813135029c6b81dd2137236b6f05a5289b58aae1696cb07c1e60f3', 'HMAC-SHA1 signing key (client secret & token secret)'],
  ['128e8e99b7b9ff47335bfb2e33ffe28b8058dc50dec07862550a366528d7da6b', 'nonce'],
  ['ef70a6b4b42a061262d7437cc68287b6c3713e7c3f9c4ce57145eca9ea3d344d', 'signature'],
  ['065f56c025192582dbc1ef11c828be62a526f9072311e68ffb5444b2b697eecd', 'signature, percent-encoded'],
  // RFC 5849 §3.1
  ['80f8b7c904d4a43f3b7036db73247daafe15b3f647b337d19031ff67b7c1a177', 'oauth_consumer_key'],
  ['2ff8b0fb93aca981c78f1e94355c298c23435461f1072ef4674848e620371787', 'oauth_token'],
  ['b7c51d51ea83029500be25b9323142ee5bf4c9ac30bf94eae8f26c8c635aaf41', 'oauth_nonce'],
  ['764acfc9bee70965d469115f4d7eb9c8547abcf1d6db872524981bf18302b73f', 'oauth_signature'],
  ['b258c27f4721358c986dd9bf85e3ae7a8e8766196cd1cd51bd3a8dedb152bff2', 'oauth_signature, percent-encoded'],
  // RFC 5849 §3.4.1.1
  ['4e891ddda8a47c8d7c904d6128bd1a4b7e00f596de4d8de0ccfea103eef27b5b', 'a line of the example signature base string as the RFC breaks it (it holds the §3.1 key and nonce)'],
  // RFC 5849 §3.4.1.3.1
  ['84235dbe7773289b70f8f0a86e6b46ea9bb7b904dd8801bf4c0a1fb72e238b7a', 'oauth_signature of the parameter-sources example, percent-encoded'],
  ['082bff0ad603c43d7f196cbc5780609be15c6c89f9c341a1a9d3018911534995', 'oauth_signature of the parameter-sources example'],
  // RFC 5849 §3.5.1
  ['8d567eb88afff34f31ab97fbb2731e582703bdeaf3c92b989cf568e0b23cef31', 'oauth_consumer_key'],
  ['9d03b692e941d5ace207a9f8048834439f6de98e5c6c1590c22c4f4577c88a42', 'oauth_token'],
  ['c4ad638fad0d7ca4e1833dbebb075155fec718679e6a055fffb09e765592b003', 'oauth_signature'],
  ['d9a350d2f2ae0efd25c54953065c7c2f2b005426a9ad8f4bdd5edbc322d98e2c', 'oauth_signature, percent-encoded'],
  ['969d6377769fd9dd3b42fd4f4811f196e26603c63878fc0805ea483b4d0bf795', 'oauth_nonce'],
  // RFC 6749 §2.3.1, §4.1.3
  ['e9974c507d2a802143f614c878fcbb622a3800e05e6e0d329fee2c5b6b243329', 'client_secret of §2.3.1'],
  ['53f5da0aaa93d64cd5772c554cbf940f0539e689dddbeb8f923eec3f72c02ea9', 'client password of the §4.1.3 Basic header'],
  ['ca7459e2b26776de081b9a07e40227fd6cff232a1e3233ff6b6aa6d036ca9981', 'the §4.1.3 Basic credential (base64 of client id:password)'],
  // RFC 6749 §4.1.2, §4.2.2, §5.1, §7.1
  ['a35b81a7d7927b70ec99270dd2362b88580a28574af812f2c02f56469579186f', 'authorization code'],
  ['6c96130f130ab0d6d158397e24d2bcc1c9a5e73ae081f6e983f1c7b545d24a4c', 'access token'],
  ['00cf4c781dc37003f7c7dd7d4c9a6ef1e0f4c62d9a291aa8bc398774e3fefd32', 'refresh token'],
  ['738f8bd02ea2fbf9aaa6dd6a2e968e67ffe7af4a6f4c1b361942009a5ef8a55c', 'MAC key of the §7.1 token response'],
  // RFC 6750 §2.1
  ['b8e148545b13c78bc74da2f1a7275dd71e56ddece129d7d2f7b3ecc06f7994da', 'bearer token'],
  // draft-ietf-oauth-v2-http-mac (MAC Access Authentication) §1.1, §3.1
  ['a71b359a87afde133e6d9731de69f8823d62b012072d43749f5dc976505403f5', 'MAC key identifier (the access token)'],
  ['80db82fffae6d59f3240e593601b12fb63ca856d652a4f32e5e548245a731474', 'MAC key'],
  ['641a509ebacbfbad8cc34c2f8c508e0943b3930cd36c2cd4fb0470dd2513d3b0', 'mac of the header example'],
  ['fc25fa46c0bacc09cbe4e0e1f822f1d8423c12e27ad9f05f145c6fa14da1db86', 'mac of the header example (second revision)'],
  // firebase-android-sdk test fixtures (39-char Google API keys)
  ['2037abcaffb2b77785da716cf7ccff4ff4d00c4ea930db0167b7d71f50af7eb4', 'firebase-android-sdk test fixtures'],
  ['3f370c9dd8225c63b5c77de1f785edc9712958f18bb612d5fa2e0ae33aeca682', 'firebase-android-sdk test fixtures'],
  ['e4a5542bb7fd7b67e943c71ad29c34b5972c9840597e7eda53e666f44d5da0b9', 'firebase-android-sdk test fixtures'],
  ['a19f89ab3555eac10c40741f6df79ecf0935998f15569f8db9d67bce0181fff6', 'firebase-android-sdk test fixtures'],
  ['0b476bdf9acf2123d547b5ae76f1e59884d8ec9553ee0c47e9f31fd4768f3f3c', 'firebase-android-sdk test fixtures'],
  ['eb540d2b6ee2a0a47c5779bc8a0141784c6b753840d4c6f4e2428a6e86e9e0b1', 'firebase-android-sdk test fixtures'],
  ['37f8f09bdf12c2f2eae4ead7273a62ddb0c23459cbf902892f282b57f7ed6619', 'firebase-android-sdk test fixtures'],
  ['8731261cb72d86267a32a532ebd3df429e2144e5e4ced7e13568bc9e6c8fb1b1', 'firebase-android-sdk test fixtures'],
  ['49f777db995e8260da7ca9ffdf0c08d66f0453e97ec967018baf2cdfe3b582d0', 'firebase-android-sdk test fixtures'],
  ['27a9a42931dff7eb2f8434e20a9bce976ea364e7bee49187f19d5cfeca9c7045', 'firebase-android-sdk test fixtures'],
  ['dc0fcf046c61640cbd1e8b999ada3262d722c2ca4bf42dceac999020ffdbb614', 'firebase-android-sdk test fixtures'],
  ['4c98242dcadc8b29005c6b4aad526552d5ea1842149154c0694adeec75847583', 'firebase-android-sdk test fixtures'],
  ['ea9bb1082cf95663f5faca23b8b15ef2aa0fce0a5c6df9c32dcb85b2e0a4513d', 'firebase-android-sdk test fixtures'],
  ['3a8b61d0f636b007840c0d40ba12bcf48465dc054cdc1a68704a33521d84b665', 'firebase-android-sdk test fixtures'],
  ['a6c814bc555ae62c7bd8b58ec07bf559c7ed3a009976a1e0acc9cef0d4473b41', 'firebase-android-sdk test fixtures'],
  // NuGet docs, nuget.config ClearTextPassword examples (14 and 11 chars)
  ['a0702bc91d699f600970f4dc4992b13ede1a29d49fa0942dd4bed2b5e4b1016e', 'NuGet docs, nuget.config ClearTextPassword examples'],
  ['dba72c00f41f4e4c435e2491a5e1ce0140c7b5a6a498dc4847396b5e6368970c', 'NuGet docs, nuget.config ClearTextPassword examples'],
  // yarnpkg/berry's Algolia search-only key (32 hex)
  ['2f21fd9c81678e396751af8b2472e2bd209ff5ce38da144052fb6c024485982f', 'the Algolia search-only key of yarnpkg/berry'],
];

/** The fingerprints, for the rule-set version (a new example changes what the scanner reports). */
export const PUBLISHED_EXAMPLE_FINGERPRINTS: readonly string[] = FINGERPRINTS.map(([h]) => h);
const fingerprints = new Set(PUBLISHED_EXAMPLE_FINGERPRINTS);
/** Longer than any example: such values are not hashed. */
const MAX_EXAMPLE_CHARS = 128;

/** Whether `value` (a latin1 string of the scanned bytes, or bytes) is a value published as a documentation example. */
export function isPublishedExample(value: string | Uint8Array): boolean {
  if (value.length < 8 || value.length > MAX_EXAMPLE_CHARS) return false;
  const bytes = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  return fingerprints.has(createHash('sha256').update(bytes).digest('hex'));
}
