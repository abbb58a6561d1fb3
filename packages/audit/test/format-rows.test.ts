import { expect } from 'chai';
import { formatRows } from '../src/index.js';

const rows = [
  { seq: 1, actor: 'alice', repo: 'acme/api', groups: ['dev', 'ops'] },
  { seq: 12, actor: 'bob', repo: null, groups: null },
];

describe('formatRows', () => {
  describe('table', () => {
    it('aligns columns under a header and a dashed rule, numbers to the right', () => {
      expect(formatRows(rows, 'table')).to.equal([
        'seq  actor  repo      groups',
        '---  -----  --------  -------------',
        '  1  alice  acme/api  ["dev","ops"]',
        ' 12  bob',
        '',
      ].join('\n'));
    });

    it('escapes line breaks and terminal escape sequences in values', () => {
      const out = formatRows([{ reason: 'a\nb\u001b[31mred' }], 'table');
      expect(out).to.contain('a\\nb\\u001b[31mred').and.not.to.contain('\u001b');
      expect(out.split('\n')).to.have.length(4);
    });

    it('escapes bidi override characters', () => {
      expect(formatRows([{ reason: 'x\u202ey' }], 'table')).to.contain('x\\u202ey');
    });

    it('prints only the header for no rows when columns are given', () => {
      expect(formatRows([], 'table', { columns: ['seq', 'actor'] })).to.equal('seq  actor\n---  -----\n');
    });
  });

  describe('json', () => {
    it('prints an array that parses back to the rows', () => {
      expect(JSON.parse(formatRows(rows, 'json'))).to.deep.equal(rows);
    });

    it('keeps only the given columns, missing ones as null', () => {
      expect(JSON.parse(formatRows(rows, 'json', { columns: ['actor', 'nope'] }))).to.deep.equal([
        { actor: 'alice', nope: null },
        { actor: 'bob', nope: null },
      ]);
    });
  });

  describe('csv', () => {
    it('prints a header and one line per row with CRLF line ends', () => {
      expect(formatRows([{ a: 1, b: 'x' }], 'csv')).to.equal('a,b\r\n1,x\r\n');
    });

    it('quotes fields holding commas, quotes or line breaks and doubles inner quotes', () => {
      const out = formatRows([{ reason: 'rotate, "now"', comment: 'line1\nline2', plain: 'ok' }], 'csv');
      expect(out).to.equal('reason,comment,plain\r\n"rotate, ""now""","line1\nline2",ok\r\n');
    });

    it('prints null as an empty field and nested values as JSON', () => {
      expect(formatRows([{ a: null, b: ['x', 'y'] }], 'csv')).to.equal('a,b\r\n,"[""x"",""y""]"\r\n');
    });

    it('defuses text a spreadsheet would run as a formula, but not negative numbers', () => {
      expect(formatRows([{ reason: '=HYPERLINK("x")', n: -3 }], 'csv')).to.equal('reason,n\r\n"\'=HYPERLINK(""x"")",-3\r\n');
    });
  });

  it('returns an empty string for no rows and no columns', () => {
    expect(formatRows([], 'csv')).to.equal('');
  });

  it('throws TypeError on an unknown format', () => {
    expect(() => formatRows(rows, 'xml' as 'json')).to.throw(TypeError);
  });
});
