-- The course and the words of its page. This is the product's content, not demo data: a new
-- installation shows the course page at once. Coordinators publish sessions and cohorts.
INSERT INTO course (id, slug, title, summary, session_count, session_minutes, outline_path)
VALUES (
    1,
    'compassionate-leadership',
    'Compassionate leadership training for managers and leaders',
    'Compassionate leadership is linked with improved learning and innovation, and reduced staff stress, injuries and absenteeism, and even reduced patient mortality.',
    6,
    120,
    '/programme-outline.pdf'
);

INSERT INTO course_section (course_id, position, slug, heading, body) VALUES
(1, 1, 'why-compassion', 'Why compassion?',
'At the heart of compassion is the notion that everyone experiences difficulty, and that we can all play a role in alleviating our own difficulties and those of others. Whether this is compassion for ourselves or the people we lead, colleagues or service users. We won’t always feel like helping and will sometimes be tired or overwhelmed or unable to connect.

Although it helps to have positive feelings, we do not have to feel compassion to be compassionate. We can recognise our physical and mental state, resource ourselves as best we can, and respond from our firm compassionate intention, rather than from impulse or intense emotion.'),
(1, 2, 'how-compassion-improves-care', 'How does compassion improve care?',
'How does this translate into compassion in health, social care and other organisations? How might we think about compassionate leadership, working with colleagues, service users and their friends and families? Research by Prof Michael West shows how compassionate leadership is linked with improved learning and innovation, and reduced staff stress, injuries and absenteeism, and even reduced patient mortality. In short, compassion is essential to high quality healthcare.

Dr Robert Marx and Professor Clara Strauss have designed a training programme of six weekly sessions, lasting 2 hours.'),
(1, 3, 'who-is-it-for', 'Who is the course for?',
'The course is for anyone in a leadership or management role in a health and social care organisation and will combine experiential practice and reflection, as well as home practice to help cultivate compassion for ourselves and the people we lead.'),
(1, 4, 'programme', 'What’s in the course programme?',
'If you want to learn more, download the programme outline. It describes each of the six weekly sessions and the home practice between them.'),
(1, 5, 'nurse-advocates', 'Courses for nurse advocates',
'Courses for nurse advocates are free. To find out more and secure your place, join one of the taster sessions on Zoom – no need to book, just turn up.'),
(1, 6, 'how-places-are-allocated', 'How places are allocated',
'Places on the courses starting in January will be allocated on a first come first served basis to those who attend one of the taster sessions, and complete the short joining form.');

-- The course was given its id above: later ids start after it.
SELECT setval(pg_get_serial_sequence('course', 'id'), (SELECT max(id) FROM course));
