#!/usr/bin/env python3
"""Unit tests of the differential harness's own logic (standard library only; no SDK, no cloudsig):

    python3 -m unittest discover -s vectors/oracle/differential -p 'test_*.py'

Each classifier is checked on a hand-written request that has its cause's shape and on one that differs only in
that shape; the neutralisers must remove what their classifier recognises; the de-chunking, the signature
corruption of --self-test and the determinism of gen.draw are checked on fixed inputs.
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import causes  # noqa: E402
import diff  # noqa: E402
import gen  # noqa: E402


def req(line, headers=(), body=b""):
    head = line + b"\r\n" + b"".join(n + b": " + v + b"\r\n" for n, v in headers)
    return head + b"\r\n" + body


RPC = {"scheme": "RPC-HMAC-SHA1"}
ROA = {"scheme": "ROA-HMAC-SHA1"}
ACS3 = {"scheme": "ACS3-HMAC-SHA256"}
FORM = (b"Content-Type", b"application/x-www-form-urlencoded")


class Classifiers(unittest.TestCase):
    def test_a1_non_utf8_header_byte(self):
        self.assertTrue(causes.a1_non_utf8_header("alibaba-tea", {}, req(b"GET / HTTP/1.1", [(b"X-A", b"caf\xe9")]),
                                                  ACS3))
        self.assertFalse(causes.a1_non_utf8_header("alibaba-tea", {},
                                                   req(b"GET / HTTP/1.1", [(b"X-A", b"caf\xc3\xa9")]), ACS3))

    def test_a2_raw_and_encoded_orders_differ(self):
        # "a/" < "a." raw ('/' 0x2F > '.' 0x2E: so raw order is a., a/), encoded "a%2F" < "a." ('%' 0x25 < '.').
        differ = req(b"GET /?a%2F=1&a.=2&Signature=x HTTP/1.1")
        self.assertTrue(causes.a2_rpc_raw_name_sort("alibaba-tea", {}, differ, RPC))
        same = req(b"GET /?ab=1&a.=2&Signature=x HTTP/1.1")
        self.assertFalse(causes.a2_rpc_raw_name_sort("alibaba-tea", {}, same, RPC))
        self.assertFalse(causes.a2_rpc_raw_name_sort("alibaba-tea", {}, differ, ACS3))

    def test_a3_form_body_on_put(self):
        self.assertTrue(causes.a3_rpc_form_body_on_non_post("alibaba-core", {}, req(b"PUT /?x=1 HTTP/1.1", [FORM],
                                                                                       b"N=S"), RPC))
        self.assertFalse(causes.a3_rpc_form_body_on_non_post("alibaba-core", {}, req(b"POST /?x=1 HTTP/1.1", [FORM],
                                                                                        b"N=S"), RPC))
        self.assertFalse(causes.a3_rpc_form_body_on_non_post("alibaba-core", {}, req(b"PUT /?x=1 HTTP/1.1"), RPC))

    def test_a9_name_in_query_and_body(self):
        self.assertTrue(causes.a9_name_in_query_and_body(
            "alibaba-tea", {}, req(b"POST /?RegionId=a HTTP/1.1", [FORM], b"RegionId=b"), RPC))
        self.assertFalse(causes.a9_name_in_query_and_body(
            "alibaba-tea", {}, req(b"POST /?RegionId=a HTTP/1.1", [FORM], b"Other=b"), RPC))

    def test_a9_reads_a_chunked_body(self):
        chunked = req(b"POST /?K=a HTTP/1.1", [FORM, (b"Transfer-Encoding", b"chunked")], b"3\r\nK=b\r\n0\r\n\r\n")
        self.assertEqual(causes.body(chunked), b"K=b")
        self.assertTrue(causes.a9_name_in_query_and_body("alibaba-tea-node", {}, chunked, RPC))

    def test_a4_acs3_query_name_needing_encoding(self):
        self.assertTrue(causes.a4_acs3_name_not_encoded("alibaba-tea", {}, req(b"GET /?a+b=1 HTTP/1.1"), ACS3))
        self.assertFalse(causes.a4_acs3_name_not_encoded("alibaba-tea", {}, req(b"GET /?a-b.c_d~e=1 HTTP/1.1"),
                                                         ACS3))
        self.assertFalse(causes.a4_acs3_name_not_encoded("alibaba-tea", {}, req(b"GET /?a+b=1 HTTP/1.1"), ROA))

    def test_a5_acs_header_not_lower_case(self):
        self.assertTrue(causes.a5_roa_acs_header_case("alibaba-tea", {}, req(b"GET / HTTP/1.1", [(b"X-Acs-Meta",
                                                                                                  b"v")]), ROA))
        self.assertFalse(causes.a5_roa_acs_header_case("alibaba-tea", {}, req(b"GET / HTTP/1.1", [(b"x-acs-meta",
                                                                                                   b"v")]), ROA))

    def test_a6_acs_value_padded(self):
        self.assertTrue(causes.a6_acs_value_not_trimmed("alibaba-core", {"headers": {"x-acs-note": "v "}}, b"", ROA))
        self.assertFalse(causes.a6_acs_value_not_trimmed("alibaba-core", {"headers": {"x-acs-note": "v"}}, b"", ROA))
        self.assertFalse(causes.a6_acs_value_not_trimmed("alibaba-core", {"headers": {"x-custom": "v "}}, b"", ROA))

    def test_a7_path_parameter_changed_on_the_wire(self):
        spec = {"path_params": {"P0": "a b"}}
        self.assertTrue(causes.a7_roa_path_param_raw("alibaba-core", spec, req(b"GET /openapi/a%20b HTTP/1.1"), ROA))
        spec = {"path_params": {"P0": "ab"}}
        self.assertFalse(causes.a7_roa_path_param_raw("alibaba-core", spec, req(b"GET /openapi/ab HTTP/1.1"), ROA))

    def test_dot_segments(self):
        self.assertTrue(causes.dot_segment_removed("huawei-python", {"path_params": {"p0": ".."}}, b"", {}))
        self.assertTrue(causes.dot_segment_removed("alibaba-tea", {"pathname": "/openapi/./x"}, b"", {}))
        self.assertFalse(causes.dot_segment_removed("alibaba-tea", {"pathname": "/openapi/.x/x."}, b"", {}))

    def test_h1_integers_whose_text_order_differs(self):
        self.assertTrue(causes.h1_integer_sort("huawei-python", {"query": [["limit", 9], ["limit", 10]]}, b"", {}))
        self.assertFalse(causes.h1_integer_sort("huawei-python", {"query": [["limit", 1], ["limit", 2]]}, b"", {}))
        self.assertFalse(causes.h1_integer_sort("huawei-python", {"query": [["a", 9], ["b", 10]]}, b"", {}))

    def test_h2_unsigned_payload_without_body(self):
        empty = req(b"PUT / HTTP/1.1", [(b"X-Sdk-Content-Sha256", b"UNSIGNED-PAYLOAD")])
        self.assertTrue(causes.h2_unsigned_payload_empty_body("huawei-python", {}, empty, {}))
        self.assertFalse(causes.h2_unsigned_payload_empty_body(
            "huawei-python", {}, req(b"PUT / HTTP/1.1", [(b"X-Sdk-Content-Sha256", b"UNSIGNED-PAYLOAD")], b"a"), {}))

    def test_node_header_locale_order(self):
        auth = (b"Authorization", b"SDK-HMAC-SHA256 Access=A, SignedHeaders=host;x-sdk-date;x_under, Signature=0")
        self.assertTrue(causes.node_header_locale_order("huawei-node", {}, req(b"GET / HTTP/1.1", [auth]), {}))
        plain = (b"Authorization", b"SDK-HMAC-SHA256 Access=A, SignedHeaders=host;x-sdk-date;x-under, Signature=0")
        self.assertFalse(causes.node_header_locale_order("huawei-node", {}, req(b"GET / HTTP/1.1", [plain]), {}))
        self.assertFalse(causes.node_header_locale_order("huawei-python", {}, req(b"GET / HTTP/1.1", [auth]), {}))

    def test_headers_differing_only_in_case(self):
        self.assertTrue(causes.headers_differ_only_in_case("alibaba-tea", {"headers": {"x-a": "1", "X-A": "2"}},
                                                           b"", {}))
        self.assertFalse(causes.headers_differ_only_in_case("alibaba-tea", {"headers": {"x-a": "1", "x-b": "2"}},
                                                            b"", {}))

    def test_mistake_id_first_and_family_bound(self):
        rep = {"diagnosis": {"mistake": {"id": "query-unsorted"}}}
        self.assertEqual(causes.attribute_how("huawei-python", {}, b"GET / HTTP/1.1\r\n\r\n", rep),
                         ("integer-values-sorted-as-numbers", "mistake-id"))
        # The same id from another cloud's diagnosis is not H1.
        self.assertEqual(causes.attribute_how("alibaba-tea", {}, b"GET / HTTP/1.1\r\n\r\n", rep), ("new", None))


class Neutralisers(unittest.TestCase):
    def test_each_neutraliser_removes_its_trigger(self):
        spec = {"query": {"a+b": "1", "RegionId": "x"}, "body": {"RegionId": "y"},
                "headers": {"X-Acs-Meta": "caf\u00e9 ", "x-acs-meta": "2", "X_Under": "u"},
                "path_params": {"p": ".."}, "pathname": "/openapi/../x", "method": "PUT"}
        for cid in ("caller-headers-differ-only-in-case", "node-header-locale-order", "non-utf8-header-value",
                    "rpc-form-body-on-non-post", "rpc-name-in-query-and-body", "acs3-query-name-not-encoded",
                    "roa-acs-header-case", "acs-header-value-not-trimmed", "path-dot-segment-removed"):
            causes.CAUSES[cid]["neutralise"](spec)
        self.assertEqual(spec["method"], "POST")
        self.assertEqual(sorted(spec["query"]), ["RegionId", "ab"])
        self.assertEqual(spec["body"], {"RegionIdBody": "y"})
        self.assertEqual(spec["headers"], {"x-acs-meta": "cafe", "X-Under": "u"})
        self.assertEqual(spec["path_params"], {"p": "x"})
        self.assertEqual(spec["pathname"], "/openapi/d/x")

    def test_integers_kept_once(self):
        spec = {"query": [["limit", 9], ["limit", 10], ["a", "x"], ["a", "y"]]}
        causes.n_integers_as_one(spec)
        self.assertEqual(spec["query"], [["limit", 9], ["a", "x"], ["a", "y"]])


class SelfTestCorruption(unittest.TestCase):
    def test_one_signature_character_changes(self):
        cases = [
            (b"GET / HTTP/1.1\r\nAuthorization: TC3-HMAC-SHA256 Credential=a, SignedHeaders=host, Signature=ab\r\n\r\n",
             b"Signature=0b"),
            (b"GET /?A=1&Signature=%2Fx HTTP/1.1\r\n\r\n", b"Signature=%2F0"),
            (b"GET / HTTP/1.1\r\nauthorization: acs STS.AK:/8x=\r\n\r\n", b"acs STS.AK:08x="),
            (b"GET / HTTP/1.1\r\nAuthorization: acs AK:0bc=\r\n\r\n", b"acs AK:1bc="),
        ]
        for raw, want in cases:
            out = diff.corrupt_signature(raw)
            self.assertIn(want, out, raw)
            self.assertEqual(len(out), len(raw))

    def test_skip_sign_left_alone(self):
        raw = b"POST / HTTP/1.1\r\nAuthorization: SKIP\r\n\r\n{}"
        self.assertEqual(diff.corrupt_signature(raw), raw)


class Generation(unittest.TestCase):
    def test_draw_is_a_function_of_family_seed_index(self):
        for family in gen.DRAW:
            self.assertEqual(gen.draw(family, 7, 3), gen.draw(family, 7, 3))
        self.assertNotEqual([gen.draw("alibaba-tea", 7, i) for i in range(5)],
                            [gen.draw("alibaba-tea", 8, i) for i in range(5)])

    def test_shrink_gives_smaller_specs(self):
        import json
        spec = gen.draw("huawei-python", 1, 5)
        size = len(json.dumps(spec))
        smaller = list(gen.shrink("huawei-python", spec))
        self.assertTrue(smaller)
        for s in smaller:
            self.assertLessEqual(len(json.dumps(s)), size + 16)  # a name may be renamed without shrinking text
            self.assertNotEqual(s, spec)


class Narrowing(unittest.TestCase):
    """A disagreement matching several causes by shape goes to the cause its request needs (leave one out)."""

    class FakeJudge(diff.Judge):
        """Signs nothing: a spec "disagrees" while a path parameter holds `#` (A7's trigger) or, when `both`, also
        while a header value is not ASCII (A1's trigger)."""

        def __init__(self, both=False):
            diff.Judge.__init__(self, "alibaba-core", None, None, None, None, 1)
            self.both = both

        def sign_and_verify(self, items):
            out = {}
            for i, spec in items:
                bad = any("#" in v for v in (spec.get("path_params") or {}).values())
                if self.both:
                    bad = bad or any(ord(c) > 127 for v in (spec.get("headers") or {}).values() for c in v)
                out[i] = ("disagree", ({}, b"")) if bad else ("agree", None)
            return out

    SPEC = {"path_params": {"P0": "O#Cs"}, "headers": {"X-Note": "caf\u00e9"}}

    def test_the_cause_whose_trigger_alone_breaks_it_is_credited(self):
        # both A1 (listed first in CAUSES) and A7 match by shape, and were confirmed together
        verdicts = {"x": ("non-utf8-header-value", {}, "confirmed")}
        self.FakeJudge().narrow(verdicts, {"x": self.SPEC},
                                {"x": ["non-utf8-header-value", "roa-path-param-signed-raw"]})
        self.assertEqual(verdicts["x"], ("roa-path-param-signed-raw", {}, "confirmed"))

    def test_two_causes_at_once_are_marked_combined(self):
        verdicts = {"x": ("non-utf8-header-value", {}, "confirmed")}
        self.FakeJudge(both=True).narrow(verdicts, {"x": self.SPEC},
                                         {"x": ["non-utf8-header-value", "roa-path-param-signed-raw"]})
        self.assertEqual(verdicts["x"], ("non-utf8-header-value", {}, "combined"))

    def test_unconfirmed_attributions_are_left_alone(self):
        verdicts = {"x": ("non-utf8-header-value", {}, "unconfirmed")}
        self.FakeJudge().narrow(verdicts, {"x": self.SPEC},
                                {"x": ["non-utf8-header-value", "roa-path-param-signed-raw"]})
        self.assertEqual(verdicts["x"], ("non-utf8-header-value", {}, "unconfirmed"))


if __name__ == "__main__":
    unittest.main()
