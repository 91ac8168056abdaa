using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Generated.OpenAI.Intrinsics;

/// <summary><see cref="ISByteVector{TVector}"/> for <see cref="Vector512{T}"/> (AVX-512BW on x64).</summary>
internal readonly struct SByteVector512 : ISByteVector<Vector512<sbyte>>
{
    public static int Count => Vector512<sbyte>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> Create(sbyte value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> LoadUnsafe(ref sbyte source, nuint elementOffset) => Vector512.LoadUnsafe(ref source, elementOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreUnsafe(Vector512<sbyte> vector, ref sbyte destination, nuint elementOffset) => vector.StoreUnsafe(ref destination, elementOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> Min(Vector512<sbyte> left, Vector512<sbyte> right) => Vector512.Min(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> MinUnsigned(Vector512<sbyte> left, Vector512<sbyte> right) => Vector512.Min(left.AsByte(), right.AsByte()).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> Xor(Vector512<sbyte> left, Vector512<sbyte> right) => left ^ right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> Or(Vector512<sbyte> left, Vector512<sbyte> right) => left | right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> LessThan(Vector512<sbyte> left, Vector512<sbyte> right) => Vector512.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<sbyte> EqualsPerByte(Vector512<sbyte> left, Vector512<sbyte> right) => Vector512.Equals(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyBitSet(Vector512<sbyte> left, Vector512<sbyte> right) => (left | right) != Vector512<sbyte>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyZero(Vector512<sbyte> vector) => Vector512.EqualsAny(vector, Vector512<sbyte>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool GreaterThanOrEqualAll(Vector512<sbyte> left, Vector512<sbyte> right) => Vector512.GreaterThanOrEqualAll(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ExtractMostSignificantBits(Vector512<sbyte> vector) => vector.ExtractMostSignificantBits();
}
