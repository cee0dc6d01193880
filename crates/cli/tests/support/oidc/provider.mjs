// A real OpenID Connect provider for Signpost's tests: panva's certified oidc-provider,
// with its development login pages (any login, any password), back-channel and
// RP-initiated logout, PKCE required, and the clients and people the test passes in.
//
//   node provider.mjs CONFIG.json
//
// CONFIG holds {"port": N, "key_dir": DIR, "clients": [...], "accounts": {"login": {claims}}}. The
// signing key is made afresh at start-up. For the refusal tests, POST
// /_test/tamper?mode=signature|nonce|expired|audience makes the next token response
// carry an ID token altered that way (re-signed with the provider's own key, except
// for "signature"), so Signpost must refuse what the real endpoint hands it.
import fs from 'node:fs';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;
const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const kid = 'signpost-test-provider';
const signingKey = { ...(await jose.exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };

// Each private_key_jwt client gets a key pair: the provider holds the public half, and
// the private half is written to key_dir/CLIENT_ID.pem for Signpost to sign with.
for (const client of config.clients) {
  if (client.token_endpoint_auth_method === 'private_key_jwt' && !client.jwks) {
    const pair = await jose.generateKeyPair('RS256', { extractable: true });
    client.jwks = { keys: [{ ...(await jose.exportJWK(pair.publicKey)), kid: 'signpost-client', alg: 'RS256', use: 'sig' }] };
    fs.writeFileSync(`${config.key_dir}/${client.client_id}.pem`, await jose.exportPKCS8(pair.privateKey));
  }
}

const provider = new Provider(issuer, {
  clients: config.clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: ['signpost-test-cookie-key'] },
  pkce: { required: () => true },
  // Scope claims go in the ID token itself, as Entra ID and CIS2 put them.
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'roles', 'groups'],
  },
  features: {
    devInteractions: { enabled: true },
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  // Signpost listens on this machine, which the provider's SSRF guard refuses to call
  // (back-channel logout): the test lets it through on loopback only.
  fetch(url, options) {
    if (new URL(url).hostname === '127.0.0.1') delete options.dispatcher;
    return globalThis.fetch(url, options);
  },
  async findAccount(ctx, id) {
    const claims = config.accounts[id] ?? { email: id, email_verified: true, name: id };
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
});
provider.proxy = false;
provider.on('backchannel.error', (ctx, err) => console.error(`back-channel logout failed: ${err.message}`));

let tamper = null;
async function tampered(idToken, mode) {
  if (mode === 'signature') {
    const [h, p, s] = idToken.split('.');
    const i = Math.floor(s.length / 2);
    return `${h}.${p}.${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
  }
  const payload = jose.decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  if (mode === 'nonce') payload.nonce = 'a-nonce-from-someone-elses-sign-in';
  if (mode === 'expired') { payload.iat = now - 7200; payload.exp = now - 3600; }
  if (mode === 'audience') { payload.aud = 'another-client'; delete payload.azp; }
  return new jose.SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(privateKey);
}

provider.use(async (ctx, next) => {
  if (ctx.path === '/_test/tamper' && ctx.method === 'POST') {
    tamper = ctx.query.mode || null;
    ctx.status = 204;
    return;
  }
  await next();
  if (ctx.path === '/token' && tamper && ctx.body && ctx.body.id_token) {
    const mode = tamper;
    tamper = null;
    ctx.body = { ...ctx.body, id_token: await tampered(ctx.body.id_token, mode) };
  }
});

provider.listen(config.port, '127.0.0.1', () => {
  console.log(`oidc-provider ready at ${issuer}`);
});
