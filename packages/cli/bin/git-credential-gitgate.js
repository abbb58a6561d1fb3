#!/usr/bin/env node
// git's credential helper for gitgate: a fresh OIDC token as the password, never stored.
//   git config credential.https://gitgate.example.com.helper "gitgate --file /run/gitgate/jwt"
import { runCredentialHelper } from '../dist/src/credential-helper.js';

runCredentialHelper();
