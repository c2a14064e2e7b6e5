"""The verifiable log over GraphQL: public key, signed checkpoints, inclusion, consistency."""

from __future__ import annotations

import base64
from typing import Annotated

import strawberry
from graphql import GraphQLError

from schema.context import Info
from service.audit.proofs import ProofError

TREE_SIZE = "The tree size to prove against; null: the newest signed checkpoint's."


@strawberry.type(description="A signed checkpoint: origin, tree size and Merkle root, signed.")
class SignedCheckpoint:
    origin: str = strawberry.field(description="The log's name: kinerja.salatiga.go.id/log.")
    size: int = strawberry.field(description="Tree size: how many events the root covers.")
    root_hash: str = strawberry.field(description="Merkle root (hex).")
    signature: str = strawberry.field(description="Ed25519 signature (base64).")
    note: str = strawberry.field(description="The exact signed note (C2SP signed-note form).")


@strawberry.type(description="RFC 9162 inclusion proof; hashes hex, leaf index = position - 1.")
class InclusionProof:
    position: int = strawberry.field(description="The event's log position (leaf index + 1).")
    tree_size: int = strawberry.field(description="The size of the tree the proof is for.")
    leaf_hash: str = strawberry.field(description="SHA-256(0x00 || chain hash), hex.")
    audit_path: list[str] = strawberry.field(description="Sibling hashes, leaf to root (hex).")
    root_hash: str = strawberry.field(description="That tree's Merkle root (hex).")


@strawberry.type(description="RFC 9162 consistency proof between two tree sizes (hex).")
class ConsistencyProof:
    from_size: int = strawberry.field(description="The older tree size.")
    to_size: int = strawberry.field(description="The newer tree size.")
    path: list[str] = strawberry.field(description="The RFC 9162 proof hashes, in order (hex).")


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
        self,
        info: Info,
        position: Annotated[int, strawberry.argument(description="The event's log position.")],
        tree_size: Annotated[int | None, strawberry.argument(description=TREE_SIZE)] = None,
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
        self,
        info: Info,
        from_size: Annotated[
            int, strawberry.argument(description="The older tree size, e.g. a checkpoint you kept.")
        ],
        to_size: Annotated[int | None, strawberry.argument(description=TREE_SIZE)] = None,
    ) -> ConsistencyProof:
        info.context.reader()
        try:
            proof = await info.context.services.transparency.consistency(from_size, to_size)
        except ProofError as error:
            raise _bad_input(error) from None
        return ConsistencyProof(
            from_size=proof.from_size, to_size=proof.to_size, path=[h.hex() for h in proof.path]
        )
