/**
 * Mail, SMS and messaging APIs: Twilio API keys and auth tokens, SendGrid, Mailgun, Mailchimp,
 * Brevo (Sendinblue), MailerSend and Resend keys by their documented shapes, and Postmark and
 * Mandrill keys under their names.
 */
import type { Rule } from '../rule.js';
import { namedRule, tokenPlaceholders, tokenRule, UUID } from './define.js';

/** The messaging family. */
export const messagingRules: readonly Rule[] = [
  {
    // `SK` + 32 hex is common enough in hashes that the rule runs only where Twilio is named.
    id: 'twilio-api-key',
    type: 'twilio-api-key',
    description: 'Twilio API key SID and secret pair (SK…) in content that mentions Twilio',
    keywords: ['twilio'],
    pattern: /(?<![A-Za-z0-9_])SK[0-9a-fA-F]{32}(?![A-Za-z0-9_])/,
    minEntropy: 3.0,
    allow: tokenPlaceholders,
    confidence: 'high',
  },
  namedRule({
    id: 'twilio-auth-token',
    description: 'Twilio auth token under a Twilio name',
    names: 'twilio',
    keywords: ['twilio'],
    value: '[a-f0-9]{32}',
    valueMax: 32,
  }),
  tokenRule({
    id: 'sendgrid-api-key',
    description: 'SendGrid API key',
    prefix: 'S' + 'G.',
    body: '(?:[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}|[A-Za-z0-9_.=-]{66})',
    maxLength: 69,
    boundary: 'A-Za-z0-9_.-',
  }),
  tokenRule({
    id: 'mailgun-api-key',
    description: 'Mailgun API key (key- format)',
    prefix: 'ke' + 'y-',
    body: '[a-f0-9]{32}',
    maxLength: 36,
    boundary: 'A-Za-z0-9_-',
  }),
  namedRule({
    id: 'mailgun-private-key',
    description: 'Mailgun private API key (new format) under a Mailgun name',
    names: 'mailgun',
    keywords: ['mailgun'],
    value: '[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8}',
    valueMax: 50,
    boundary: 'A-Za-z0-9_-',
  }),
  tokenRule({
    id: 'mailchimp-api-key',
    description: 'Mailchimp API key',
    prefix: [],
    body: '[a-f0-9]{32}-us[0-9]{1,2}',
    maxLength: 37,
    boundary: 'A-Za-z0-9_-',
    keywords: ['-us'],
  }),
  tokenRule({
    id: 'brevo-api-key',
    description: 'Brevo (Sendinblue) API or SMTP key',
    prefix: ['xkey' + 'sib-', 'xsmtp' + 'sib-'],
    body: '[a-f0-9]{64}-[A-Za-z0-9]{16}',
    maxLength: 90,
    boundary: 'A-Za-z0-9_-',
  }),
  tokenRule({
    id: 'mailersend-api-token',
    description: 'MailerSend API token',
    prefix: 'ml' + 'sn.',
    body: '[a-f0-9]{64}',
    maxLength: 69,
    boundary: 'A-Za-z0-9_.',
  }),
  tokenRule({
    id: 'resend-api-key',
    description: 'Resend API key',
    prefix: 'r' + 'e_',
    body: '[A-Za-z0-9]{8}_[A-Za-z0-9]{24}',
    maxLength: 36,
  }),
  namedRule({
    id: 'postmark-server-token',
    description: 'Postmark server or account token (UUID) under a Postmark name',
    names: 'postmark',
    keywords: ['postmark'],
    value: UUID,
    valueMax: 36,
    boundary: 'A-Za-z0-9_-',
  }),
  namedRule({
    id: 'mandrill-api-key',
    description: 'Mandrill API key under a Mandrill name',
    names: 'mandrill',
    keywords: ['mandrill'],
    value: '[A-Za-z0-9_-]{22}',
    valueMax: 22,
    boundary: 'A-Za-z0-9_-',
  }),
];
