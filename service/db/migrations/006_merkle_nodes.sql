-- The Merkle tree's complete subtrees of 16 leaves and more (see service/merkle_store.py):
-- MTH of leaves [idx * 2^level, (idx + 1) * 2^level). Derived from the events' chain hashes,
-- written once each; a wrong row would only make proofs that every verifier rejects.
CREATE TABLE IF NOT EXISTS merkle_nodes (
    level smallint NOT NULL CHECK (level >= 4),
    idx bigint NOT NULL CHECK (idx >= 0),
    hash bytea NOT NULL CHECK (octet_length(hash) = 32),
    PRIMARY KEY (level, idx)
);
