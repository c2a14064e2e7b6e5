"""Every mutation's success says where its events are and whether the views include them."""

from __future__ import annotations

from graphql import GraphQLObjectType, GraphQLUnionType, build_schema

from schema.root import build_schema as kinerja_schema


def test_every_success_type_implements_mutation_success() -> None:
    sdl = build_schema(kinerja_schema().as_str())
    mutation = sdl.mutation_type
    assert mutation is not None
    for name, field in mutation.fields.items():
        result = field.type.of_type if hasattr(field.type, "of_type") else field.type
        assert isinstance(result, GraphQLUnionType), name
        successes = [t for t in result.types if t.name.endswith("Success")]
        assert len(successes) == 1, name
        success = successes[0]
        assert isinstance(success, GraphQLObjectType)
        assert [i.name for i in success.interfaces] == ["MutationSuccess"], success.name
        assert str(success.fields["viewsCurrent"].type) == "Boolean!"
        assert str(success.fields["position"].type) == "Int!"
