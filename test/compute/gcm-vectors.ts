/** Shared known-answer vectors for the GCM tests (gcm-batch, primitives). */

// The GCM specification (McGrew & Viega, "The Galois/Counter Mode of Operation", rev. 2005, Appendix B), test
// cases 13–16: every AES-256 case with a 96-bit IV (17 and 18 use 64- and 480-bit IVs, which we never produce).
export const K = 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308';
export const P =
  'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72' +
  '1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255';
export const C =
  '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa' +
  '8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad';
export const GCM_SPEC_VECTORS = [
  {
    n: 13,
    k: '00'.repeat(32),
    iv: '00'.repeat(12),
    p: '',
    a: '',
    c: '',
    t: '530f8afbc74536b9a963b4f1c4cb738b',
  },
  {
    n: 14,
    k: '00'.repeat(32),
    iv: '00'.repeat(12),
    p: '00'.repeat(16),
    a: '',
    c: 'cea7403d4d606b6e074ec5d3baf39d18',
    t: 'd0d1c8a799996bf0265b98b5d48ab919',
  },
  { n: 15, k: K, iv: 'cafebabefacedbaddecaf888', p: P, a: '', c: C, t: 'b094dac5d93471bdec1a502270e3cc6c' },
  {
    n: 16,
    k: K,
    iv: 'cafebabefacedbaddecaf888',
    p: P.slice(0, 120),
    a: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
    c: C.slice(0, 120),
    t: '76fc6ece0f4e1768cddf8853bb2d551b',
  },
];
