//go:build !purego

#include "textflag.h"

// MULADD8 adds DX · the 8 words at SI to the 8 words at DI, with BX as the
// running carry word in and out (R8 scratch, R10 zero). MULX leaves the
// flags alone, so two carry chains run side by side: ADCX (CF) adds the
// previous word's high half, ADOX (OF) adds the word at DI. At the end
// both carries are folded into BX, which cannot overflow (z + x·y + c fits
// in one more word), so the caller's loop arithmetic may clobber the flags.
#define MULADD8 \
	XORQ  AX, AX; \
	MULXQ 0(SI), AX, R8; \
	ADCXQ BX, AX; \
	ADOXQ 0(DI), AX; \
	MOVQ  AX, 0(DI); \
	MULXQ 8(SI), AX, BX; \
	ADCXQ R8, AX; \
	ADOXQ 8(DI), AX; \
	MOVQ  AX, 8(DI); \
	MULXQ 16(SI), AX, R8; \
	ADCXQ BX, AX; \
	ADOXQ 16(DI), AX; \
	MOVQ  AX, 16(DI); \
	MULXQ 24(SI), AX, BX; \
	ADCXQ R8, AX; \
	ADOXQ 24(DI), AX; \
	MOVQ  AX, 24(DI); \
	MULXQ 32(SI), AX, R8; \
	ADCXQ BX, AX; \
	ADOXQ 32(DI), AX; \
	MOVQ  AX, 32(DI); \
	MULXQ 40(SI), AX, BX; \
	ADCXQ R8, AX; \
	ADOXQ 40(DI), AX; \
	MOVQ  AX, 40(DI); \
	MULXQ 48(SI), AX, R8; \
	ADCXQ BX, AX; \
	ADOXQ 48(DI), AX; \
	MOVQ  AX, 48(DI); \
	MULXQ 56(SI), AX, BX; \
	ADCXQ R8, AX; \
	ADOXQ 56(DI), AX; \
	MOVQ  AX, 56(DI); \
	ADCXQ R10, BX; \
	ADOXQ R10, BX; \
	ADDQ  $64, SI; \
	ADDQ  $64, DI

// func montLoop(t, x, y, n []uint64, n0 uint64) (carry uint64)
//
// The rows of a Montgomery multiplication: for each word y[i], t[i:i+w]
// += x·y[i], then += n·m with m = t[i]·n0 (which zeroes t[i]), and
// t[i+w] = c1 + c2 + carry. w = len(x) = len(y) = len(n) is a positive
// multiple of 8, t has 2w words and starts zeroed. The locals: 0(SP) c1,
// 8(SP) carry, 16(SP) the end of y.
TEXT ·montLoop(SB), NOSPLIT, $24-112
	MOVQ t_base+0(FP), R13
	MOVQ x_base+24(FP), R9
	MOVQ y_base+48(FP), R12
	MOVQ n_base+72(FP), R11
	MOVQ x_len+32(FP), CX
	LEAQ (R12)(CX*8), AX
	MOVQ AX, 16(SP)
	MOVQ $0, 8(SP)
	XORQ R10, R10

row:
	MOVQ (R12), DX
	MOVQ R9, SI
	MOVQ R13, DI
	MOVQ x_len+32(FP), CX
	XORQ BX, BX

pass1:
	MULADD8
	SUBQ $8, CX
	JNZ  pass1
	MOVQ BX, 0(SP)

	MOVQ  (R13), DX
	IMULQ n0+96(FP), DX
	MOVQ  R11, SI
	MOVQ  R13, DI
	MOVQ  x_len+32(FP), CX
	XORQ  BX, BX

pass2:
	MULADD8
	SUBQ $8, CX
	JNZ  pass2

	// DI is at t[i+w].
	MOVQ 8(SP), AX
	XORQ R8, R8
	ADDQ 0(SP), AX
	ADCQ $0, R8
	ADDQ BX, AX
	ADCQ $0, R8
	MOVQ AX, (DI)
	MOVQ R8, 8(SP)

	ADDQ $8, R13
	ADDQ $8, R12
	CMPQ R12, 16(SP)
	JNE  row

	MOVQ 8(SP), AX
	MOVQ AX, carry+104(FP)
	RET
