"""The verifiable log over GraphQL: public key, signed checkpoints, inclusion, consistency."""

from __future__ import annotations

import base64

import strawberry
from graphql import GraphQLError

from schema.context import Info
from service.transparency import ProofError


@strawberry.type(description="A signed checkpoint: origin, tree size and Merkle root, signed.")
class SignedCheckpoint:
    origin: str
    size: int
    root_hash: str = strawberry.field(description="Merkle root (hex).")
    signature: str = strawberry.field(description="Ed25519 signature (base64).")
    note: str = strawberry.field(description="The exact signed note (C2SP signed-note form).")


@strawberry.type(description="RFC 9162 inclusion proof; hashes hex, leaf index = position - 1.")
class InclusionProof:
    position: int
    tree_size: int
    leaf_hash: str
    audit_path: list[str]
    root_hash: str


@strawberry.type(description="RFC 9162 consistency proof between two tree sizes (hex).")
class ConsistencyProof:
    from_size: int
    to_size: int
    path: list[str]


def _bad_input(error: ProofError) -> GraphQLError:
    return GraphQLError(str(error), extensions={"code": "BAD_USER_INPUT"})


@strawberry.type
class TransparencyQuery:
    @strawberry.field(description="The log's Ed25519 public key (base64); no token needed.")
    def public_key(self, info: Info) -> str:
        return info.context.services.transparency.signer.public_key_b64()

    @strawberry.field(description="The newest signed checkpoint of the log.")
    async def log_checkpoint(self, info: Info) -> SignedCheckpoint:
        info.context.reader()
        signed = await info.context.services.transparency.latest()
        return SignedCheckpoint(
            origin=signed.checkpoint.origin,
            size=signed.checkpoint.size,
            root_hash=signed.checkpoint.root_hash.hex(),
            signature=base64.b64encode(signed.signature).decode(),
            note=signed.note(),
        )

    @strawberry.field(description="Proof that the event at `position` is in the tree.")
    async def inclusion_proof(
        self, info: Info, position: int, tree_size: int | None = None
    ) -> InclusionProof:
        info.context.reader()
        try:
            proof = await info.context.services.transparency.inclusion(position, tree_size)
        except ProofError as error:
            raise _bad_input(error) from None
        return InclusionProof(
            position=proof.position,
            tree_size=proof.tree_size,
            leaf_hash=proof.leaf_hash.hex(),
            audit_path=[h.hex() for h in proof.audit_path],
            root_hash=proof.root_hash.hex(),
        )

    @strawberry.field(description="Proof that the tree of `fromSize` is a prefix of `toSize`.")
    async def consistency_proof(
        self, info: Info, from_size: int, to_size: int | None = None
    ) -> ConsistencyProof:
        info.context.reader()
        try:
            proof = await info.context.services.transparency.consistency(from_size, to_size)
        except ProofError as error:
            raise _bad_input(error) from None
        return ConsistencyProof(
            from_size=proof.from_size, to_size=proof.to_size, path=[h.hex() for h in proof.path]
        )
