namespace Generated.OpenAI.Intrinsics;

/// <summary>
/// The operations on a vector of signed bytes that the runtime's byte scans use, for one vector width: a scan is
/// written once, as a generic method over <typeparamref name="TVector"/> and a struct implementing this interface for it
/// (<see cref="SByteVector256"/>, <see cref="SByteVector512"/>), and called with the width the hardware accelerates.
/// </summary>
/// <remarks>
/// The JIT never shares the code of a generic method between struct type arguments: each width gets its own body, in
/// which every member here (one intrinsic each) is inlined, so the instructions are those of the loop written out for
/// that width. .NET 10's own <c>ISimdVector&lt;TSelf, T&gt;</c>, which <c>Vector256&lt;T&gt;</c> implements, is internal
/// to the runtime, hence this small one of our own over the two widths we use.
/// </remarks>
/// <typeparam name="TVector">The vector type (<c>Vector256&lt;sbyte&gt;</c>, <c>Vector512&lt;sbyte&gt;</c>).</typeparam>
internal interface ISByteVector<TVector>
    where TVector : struct
{
    /// <summary>The number of bytes in a vector.</summary>
    static abstract int Count { get; }

    /// <summary>A vector with every byte <paramref name="value"/>.</summary>
    static abstract TVector Create(sbyte value);

    /// <summary>The <see cref="Count"/> bytes from <paramref name="source"/> + <paramref name="elementOffset"/> (any alignment).</summary>
    static abstract TVector LoadUnsafe(ref sbyte source, nuint elementOffset);

    /// <summary>Stores <paramref name="vector"/> at <paramref name="destination"/> + <paramref name="elementOffset"/> (any alignment).</summary>
    static abstract void StoreUnsafe(TVector vector, ref sbyte destination, nuint elementOffset);

    /// <summary>The smaller of each pair of bytes, as signed bytes.</summary>
    static abstract TVector Min(TVector left, TVector right);

    /// <summary>The smaller of each pair of bytes, as unsigned bytes.</summary>
    static abstract TVector MinUnsigned(TVector left, TVector right);

    /// <summary>Bitwise exclusive or.</summary>
    static abstract TVector Xor(TVector left, TVector right);

    /// <summary>Bitwise or.</summary>
    static abstract TVector Or(TVector left, TVector right);

    /// <summary>All bits set in each byte where <paramref name="left"/> is less than <paramref name="right"/> (signed), clear elsewhere.</summary>
    static abstract TVector LessThan(TVector left, TVector right);

    /// <summary>All bits set in each byte where <paramref name="left"/> equals <paramref name="right"/>, clear elsewhere.</summary>
    static abstract TVector EqualsPerByte(TVector left, TVector right);

    /// <summary>
    /// Whether some bit of <paramref name="left"/> or <paramref name="right"/> is set: a test of two compares' results
    /// in one member, as the JIT keeps them in mask registers (AVX-512) only when the or and the test are in one tree.
    /// </summary>
    static abstract bool AnyBitSet(TVector left, TVector right);

    /// <summary>Whether some byte of <paramref name="vector"/> is zero.</summary>
    static abstract bool AnyZero(TVector vector);

    /// <summary>Whether every byte of <paramref name="left"/> is at least <paramref name="right"/>'s (signed).</summary>
    static abstract bool GreaterThanOrEqualAll(TVector left, TVector right);

    /// <summary>The top bit of each byte, byte 0's in bit 0 (the upper half zero for a 32-byte vector).</summary>
    static abstract ulong ExtractMostSignificantBits(TVector vector);
}
