-- Deterministic data for the miniature (no random()): 240 laddr accounts, 30 projects and 240
-- memberships, with the cases the cutover must surface:
--   4 spam accounts (id divisible by 60): not imported as persons; their private profiles are
--     (the private store's import takes every account with an email): orphan profiles;
--   6 accounts without an email (id divisible by 37): persons with no private profile: orphan persons;
--   newsletter subscribers without an unsubscribe token (id divisible by 3 and by 27);
--   accounts that linked GitHub on laddr and still have a password (id mod 16 = 5): credentials
--     the claim would have deleted;
--   accounts created by staff without a password (id divisible by 11): no legacy credential;
--   memberships of people deleted from laddr (member ids 241 to 245) or of spam accounts: not imported.

INSERT INTO laddr.people (id, class, username, first_name, last_name, email, password_hash, newsletter,
                          newsletter_token, github_user_id, created)
SELECT g,
       CASE WHEN g % 60 = 0 THEN 'Spammer' WHEN g IN (1, 2) THEN 'Administrator'
            WHEN g % 25 = 3 THEN 'Staff' ELSE 'User' END,
       first || '_' || last || g,
       first, last,
       CASE WHEN g % 37 = 0 THEN NULL ELSE lower(first) || '.' || lower(last) || g || '@example.org' END,
       CASE WHEN g % 11 = 0 THEN NULL ELSE '$2y$10$' || md5('laddr-password:' || g) END,
       g % 3 = 0,
       CASE WHEN g % 3 = 0 AND g % 27 <> 0 THEN md5('laddr-newsletter:' || g) END,
       CASE WHEN g % 16 = 5 THEN 4000000 + g END,
       timestamptz '2013-06-01 12:00:00+00' + g * interval '9 days 7 hours'
FROM generate_series(1, 240) AS g,
     LATERAL (SELECT (ARRAY['Alex', 'Jordan', 'Sam', 'Taylor', 'Morgan', 'Casey', 'Riley', 'Jamie', 'Avery',
                            'Quinn', 'Drew', 'Robin'])[1 + g % 12] AS first,
                     (ARRAY['Rivera', 'Nguyen', 'Okafor', 'Kowalski', 'Haddad', 'Park', 'Moreau', 'Silva',
                            'Jensen', 'Brooks', 'Ito'])[1 + g % 11] AS last) AS names;

INSERT INTO laddr.projects (id, handle, title, stage, created)
SELECT g,
       (ARRAY['Open_Data', 'Rebuild', 'Philly_Bikes', 'School_Maps', 'Court_Watch', 'Food_Access'])[1 + g % 6]
         || '_' || g,
       (ARRAY['Open Data', 'Rebuild', 'Philly Bikes', 'School Maps', 'Court Watch', 'Food Access'])[1 + g % 6]
         || ' ' || g,
       (ARRAY['Commenting', 'Bootstrapping', 'Prototyping', 'Testing', 'Maintaining', 'Drifting',
              'Hibernating'])[1 + g % 7],
       timestamptz '2014-01-15 18:00:00+00' + g * interval '61 days'
FROM generate_series(1, 30) AS g;

INSERT INTO laddr.project_members (id, project_id, member_id, role)
SELECT (p - 1) * 8 + k + 1, p, (p * 37 + k * 29) % 245 + 1,
       CASE WHEN k = 0 THEN 'Founder' WHEN k = 1 THEN 'Maintainer' END
FROM generate_series(1, 30) AS p, generate_series(0, 7) AS k;
