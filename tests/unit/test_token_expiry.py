"""The expiry the pipeline reads from a verified token's payload is PyJWT's reading of it."""

from __future__ import annotations

import jwt
from hypothesis import given
from hypothesis import strategies as st

from service.http.pipeline import expiry_of

claims = st.fixed_dictionaries(
    {"sub": st.text(max_size=40)},
    optional={"exp": st.integers(0, 2**40) | st.floats(0, 2**40), "name": st.text(max_size=60)},
)


@given(claims)
def test_the_expiry_is_what_pyjwt_reads(found: dict[str, object]) -> None:
    token = jwt.encode(found, "a-secret-of-at-least-32-bytes-for-hs256", algorithm="HS256")
    expected = jwt.decode(token, options={"verify_signature": False}).get("exp")
    assert expiry_of(token) == expected
