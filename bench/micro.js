'use strict';
// `make bench`, part 2: the parser and the signer, as ratios to baselines measured in the same run (whole logins
// against the peers are bench/run.js).
//   1. parsing a Cloud user + emails into a profile  vs  JSON.parse of the same bodies
//   2. signing an OAuth 1.0a request                 vs  one raw HMAC-SHA1 of a base string
const { createHmac } = require('node:crypto');
const { parseCloudProfile, parseEmailsPage } = require('../dist');
const { authorizationHeader } = require('../dist/oauth1/signature');
const { medianNsPerCallSync, format } = require('./measure');

const USER = JSON.stringify({
  username: 'jdoe',
  display_name: 'Jane Doe',
  has_2fa_enabled: null,
  nickname: 'Jane Doe',
  account_id: '5c65cab48bcc9e016aeece31',
  uuid: '{768f8c62-7f2a-4914-bf33-3f412fc1d3a4}',
  type: 'user',
  links: { html: { href: 'https://bitbucket.org/%7B768f%7D/' }, avatar: { href: 'https://avatar.example/128' } },
});
const EMAILS = JSON.stringify({
  pagelen: 10,
  page: 1,
  size: 3,
  values: [1, 2, 3].map((i) => ({
    is_primary: i === 2,
    is_confirmed: i !== 3,
    type: 'email',
    email: `u${i}@example.com`,
  })),
});

function report(name, ours, baseline, baselineName) {
  const ratio = ours / baseline;
  console.log(
    `${name.padEnd(34)} ${format(ours).padStart(10)}   ${baselineName}: ${format(baseline).padStart(10)}   ratio ${ratio.toFixed(2)}`,
  );
  return ratio;
}

async function main() {
  const results = {};
  results.parse = report(
    'parse user + emails → profile',
    medianNsPerCallSync(() =>
      parseCloudProfile({ user: JSON.parse(USER), raw: USER, emails: parseEmailsPage(JSON.parse(EMAILS)).emails }),
    ),
    medianNsPerCallSync(() => {
      JSON.parse(USER);
      JSON.parse(EMAILS);
    }),
    'JSON.parse',
  );

  const credentials = { consumerKey: 'key', consumerSecret: 'secret', signatureMethod: 'HMAC-SHA1' };
  const url = 'https://api.bitbucket.org/2.0/user/emails?page=2';
  results.sign = report(
    'sign an OAuth 1.0a request',
    medianNsPerCallSync(() => authorizationHeader({ method: 'GET', url, credentials, token: 't', tokenSecret: 's' })),
    medianNsPerCallSync(() =>
      createHmac('sha1', 'secret&s')
        .update(`GET&${encodeURIComponent(url)}&oauth_consumer_key%3Dkey`)
        .digest('base64'),
    ),
    'raw HMAC',
  );

  console.log(`\nmedian ratios: parse ${results.parse.toFixed(2)}, sign ${results.sign.toFixed(2)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
