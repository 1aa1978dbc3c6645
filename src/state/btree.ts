// sorted-btree is CommonJS with `exports.default = BTree`; under node's ESM loader the default import is the
// whole `module.exports`, so the class sits at `.default`. This file keeps that interop quirk in one place.
import sortedBtree from 'sorted-btree';

/** The sorted-btree B+ tree class (ordered map with range search and O(1) copy-on-write clone). */
export const BTree = sortedBtree.default;
/** Instance type of {@link BTree}. */
export type BTree<K, V> = InstanceType<typeof sortedBtree.default<K, V>>;
