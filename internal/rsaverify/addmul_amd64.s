//go:build !purego

#include "textflag.h"

// func addMulVVW(z, x []uint64, y uint64) (carry uint64)
//
// Eight words per loop turn. MULX leaves the flags alone, so two carry
// chains run side by side: ADCX (CF) adds the previous word's high half,
// ADOX (OF) adds z's word. At the end of a turn both carries are folded
// into the running high word (it cannot overflow: z + x·y + carry < 2^64
// times the weight of the next word), and the loop's own arithmetic may
// then clobber the flags; the next turn clears them again.
TEXT ·addMulVVW(SB), NOSPLIT, $0-64
	MOVQ z_base+0(FP), DI
	MOVQ z_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	MOVQ y+48(FP), DX
	XORQ BX, BX // the carry word
	XORQ R10, R10 // zero, to fold the flags into BX

loop:
	XORQ  AX, AX // CF = OF = 0
	MULXQ 0(SI), AX, R8
	ADCXQ BX, AX
	ADOXQ 0(DI), AX
	MOVQ  AX, 0(DI)
	MULXQ 8(SI), AX, BX
	ADCXQ R8, AX
	ADOXQ 8(DI), AX
	MOVQ  AX, 8(DI)
	MULXQ 16(SI), AX, R8
	ADCXQ BX, AX
	ADOXQ 16(DI), AX
	MOVQ  AX, 16(DI)
	MULXQ 24(SI), AX, BX
	ADCXQ R8, AX
	ADOXQ 24(DI), AX
	MOVQ  AX, 24(DI)
	MULXQ 32(SI), AX, R8
	ADCXQ BX, AX
	ADOXQ 32(DI), AX
	MOVQ  AX, 32(DI)
	MULXQ 40(SI), AX, BX
	ADCXQ R8, AX
	ADOXQ 40(DI), AX
	MOVQ  AX, 40(DI)
	MULXQ 48(SI), AX, R8
	ADCXQ BX, AX
	ADOXQ 48(DI), AX
	MOVQ  AX, 48(DI)
	MULXQ 56(SI), AX, BX
	ADCXQ R8, AX
	ADOXQ 56(DI), AX
	MOVQ  AX, 56(DI)
	ADCXQ R10, BX
	ADOXQ R10, BX
	ADDQ  $64, SI
	ADDQ  $64, DI
	SUBQ  $8, CX
	JNZ   loop

	MOVQ BX, carry+56(FP)
	RET
