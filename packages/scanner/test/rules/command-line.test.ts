import { createScanner } from '../../src/index.js';
import { expectFindings, expectNone, Fakes } from '../fakes.js';

describe('rules/command-line', () => {
  const scanner = createScanner();
  const fakes = new Fakes(4711);

  describe('mysql', () => {
    it('reports -p<password> written against the option', () => {
      const pw = fakes.password();
      expectFindings(scanner, `mysql -h db.internal -u root -p${pw} app < dump.sql\n`, [{ ruleId: 'mysql-cli-password', secret: pw }]);
    });

    it('reports a quoted -p password of mysqldump', () => {
      const pw = fakes.password();
      expectFindings(scanner, `mysqldump -uroot -p'${pw}' app > app.sql\n`, [{ ruleId: 'mysql-cli-password', secret: pw }]);
    });

    it('reports --password=<password>', () => {
      const pw = fakes.password();
      expectFindings(scanner, `mysql --user=root --password=${pw} app\n`, [{ ruleId: 'cli-password-option', secret: pw }]);
    });
  });

  it('reports sshpass -p with the password quoted', () => {
    const pw = fakes.password();
    expectFindings(scanner, `sshpass -p '${pw}' ssh deploy@10.0.0.5 uptime\n`, [{ ruleId: 'sshpass-password', secret: pw }]);
  });

  it('reports curl -u in Markdown inline code, without the closing backtick', () => {
    const pw = fakes.password();
    expectFindings(scanner, `Run \`curl -u ops:${pw}\` once.\n`, [{ ruleId: 'curl-user-password', secret: pw }]);
  });

  it('reports curl -u on a continuation line', () => {
    const pw = fakes.password();
    const text = `curl -sS -X POST \\\n  -H 'Content-Type: application/json' \\\n  -u ci-bot:${pw} \\\n  https://jenkins.internal/job/x/build\n`;
    expectFindings(scanner, text, [{ ruleId: 'curl-user-password', secret: pw }]);
  });

  describe('.netrc', () => {
    it('reports the password of a one-line machine entry', () => {
      const pw = fakes.password();
      expectFindings(scanner, `machine api.heroku.com login ops@corp.internal password ${pw}\n`, [{ ruleId: 'netrc-password', secret: pw }]);
    });

    it('reports the password of a machine entry over several lines', () => {
      const pw = fakes.password();
      expectFindings(scanner, `machine git.internal\n  login deploy\n  password ${pw}\n`, [{ ruleId: 'netrc-password', secret: pw }]);
    });
  });

  it('reports the password field of .pgpass lines', () => {
    const [a, b] = [fakes.password(), fakes.password()];
    expectFindings(scanner, `db.internal:5432:app:app_rw:${a}\n*:*:*:postgres:${b}\n`, [
      { ruleId: 'pgpass-password', secret: a }, { ruleId: 'pgpass-password', secret: b },
    ]);
  });

  it('reports the password of a Go DSN up to the last @', () => {
    const pw = 'p@' + fakes.password();
    expectFindings(scanner, `db, err := sql.Open("mysql", "app:${pw}@tcp(db.internal:3306)/app?parseTime=true")\n`, [{ ruleId: 'go-dsn-password', secret: pw }]);
  });

  const negatives: Record<string, string> = {
    'mysql -p alone (it prompts)': 'mysql -u root -p\n',
    'mysql -p before the database name': 'mysql -u root -p app < dump.sql\n',
    'a mysql -p from a shell variable': 'mysql -u root -p$MYSQL_ROOT_PASSWORD app\n',
    'find -print under a mysql directory': 'find /var/lib/mysql -print\n',
    'curl -u with shell variables': 'curl -u "$USER:$PASS" https://api.internal/x\n',
    'curl -u with a user only': 'curl -u admin https://api.internal/x\n',
    'curl -u in Markdown inline code': 'Pass credentials with `curl -u user:pw` as shown.\n',
    'sshpass -p with a variable': 'sshpass -p "$SSHPASS" ssh host\n',
    'a --password placeholder': 'docker login --password <your-password> registry.internal\n',
    'a --password-stdin flag': 'echo "$TOKEN" | docker login --password-stdin -u bot registry.internal\n',
    'prose about machines and passwords': 'A machine learning model does not need a password manager.\n',
    'an anonymous FTP netrc entry': 'machine ftp.gnu.org login anonymous password user@site.com\n',
    'a Go DSN template': 'dsn := fmt.Sprintf("%s:%s@tcp(%s)/%s", user, pass, host, db)\n',
    'a Go DSN with an empty password': 'sql.Open("mysql", "root:@tcp(127.0.0.1:3306)/test")\n',
    'a Go DSN documentation example': 'user:password@tcp(localhost:5555)/dbname?tls=skip-verify\n',
    'a passwd line': 'root:x:0:0:root:/root:/bin/bash\n',
    'prose about the --password option': 'Credentials can be passed via the --username and --password options instead.\n',
    'an escaped newline in a string literal after a netrc entry': "const netrc = 'machine h login u password X\\n';\n",
    'a .pgpass line with a variable': 'localhost:5432:*:app:${PGPASSWORD}\n',
  };
  for (const [name, text] of Object.entries(negatives)) {
    it(`ignores ${name}`, () => expectNone(scanner, text));
  }
});
