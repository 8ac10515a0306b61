"""The Python binding of crm/search.h: crm.search as an iterator of hits,
accents, phrases, prefixes, keyset paging by cursor, kinds, errors."""
import os
import shutil
import tempfile
import unittest

import crm

T0 = 1_750_000_000


class SearchTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="crm-py-search-")
        self.db = crm.open("sqlite:" + os.path.join(self.dir, "t.db"), clock=lambda: T0)
        self.cu = crm.customer_create(self.db, "Niccolò Bellè")
        self.case = crm.case_open(self.db, customer=self.cu, subject="Guasto in città")
        self.ix = crm.interaction_record(self.db, customer=self.cu, case_id=self.case,
                                         channel=crm.CHANNEL_EMAIL,
                                         direction=crm.DIRECTION_INBOUND, subject="Perché?",
                                         body="La caldaia rotta in città non parte")

    def tearDown(self):
        crm.close(self.db)
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_hits(self):
        hits = list(crm.search(self.db, "citta"))
        self.assertEqual(sorted((h.kind, h.id) for h in hits),
                         [(crm.SEARCH_INTERACTION, self.ix), (crm.SEARCH_CASE, self.case)])
        for h in hits:
            self.assertEqual(h.customer, self.cu)
            self.assertEqual(h.case, self.case)
            self.assertIsInstance(h.rank, float)
            self.assertIn("[", h.snippet)
            self.assertIsInstance(h.cursor, str)
        self.assertEqual(crm.search_kind_name(crm.SEARCH_CUSTOMER), "customer")
        h = hits[0]  # the getters as functions too
        self.assertEqual((crm.search_hit_kind(h), crm.search_hit_id(h), crm.search_hit_customer(h),
                          crm.search_hit_case(h), crm.search_hit_rank(h),
                          crm.search_hit_snippet(h), crm.search_hit_cursor(h)),
                         (h.kind, h.id, h.customer, h.case, h.rank, h.snippet, h.cursor))
        self.assertEqual([h.id for h in self.db.search("perche", kinds=[crm.SEARCH_INTERACTION])],
                         [self.ix])
        self.assertEqual([h.id for h in self.db.search("niccolo", kinds=[crm.SEARCH_CUSTOMER])],
                         [self.cu])
        self.assertEqual(len(list(crm.search(self.db, '"caldaia rotta"'))), 1)
        self.assertEqual(len(list(crm.search(self.db, '"rotta caldaia"'))), 0)
        self.assertEqual(len(list(crm.search(self.db, "cald*"))), 1)
        self.assertEqual(len(list(crm.search(self.db, "'; DROP TABLE cases; --"))), 0)

    def test_paging(self):
        for i in range(10):
            crm.interaction_record(self.db, customer=self.cu, case_id=self.case,
                                   channel=crm.CHANNEL_NOTE, direction=crm.DIRECTION_INTERNAL,
                                   body="bolletta " * (i % 3 + 1))
        everything = [h.id for h in crm.search(self.db, "bolletta")]
        self.assertEqual(len(everything), 10)
        seen, after = [], None
        while True:
            page = list(crm.search(self.db, "bolletta", limit=3, after=after))
            if not page:
                break
            seen += [h.id for h in page]
            after = page[-1].cursor
        self.assertEqual(seen, everything)
        it = crm.search(self.db, "bolletta", {"limit": 1})
        self.assertIsNotNone(crm.search_next(it))
        self.assertIsNone(crm.search_next(it))

    def test_errors(self):
        with self.assertRaises(crm.InvalidInput) as e:
            crm.search(self.db, '"caldaia')
        self.assertIn("quote", e.exception.message)
        with self.assertRaises(crm.InvalidInput):
            crm.search(self.db, "*")
        with self.assertRaises(crm.InvalidInput):
            crm.search(self.db, "x", after="not a cursor")
        with self.assertRaises(TypeError):
            crm.search(self.db, "x", no_such_field=1)
        opts = crm.search_options_init(crm.SEARCH_OPTIONS_VERSION)
        self.assertEqual(opts["limit"], 0)


if __name__ == "__main__":
    unittest.main()
