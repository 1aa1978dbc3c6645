/**
 * secret-compute: Secret Network's x/compute in TypeScript.
 * The public surface is assembled here by name from each folder's index.
 */
export {};
