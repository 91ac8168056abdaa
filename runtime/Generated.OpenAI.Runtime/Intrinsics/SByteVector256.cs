using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Generated.OpenAI.Intrinsics;

/// <summary><see cref="ISByteVector{TVector}"/> for <see cref="Vector256{T}"/> (AVX2 on x64, two Vector128 on Arm64).</summary>
internal readonly struct SByteVector256 : ISByteVector<Vector256<sbyte>>
{
    public static int Count => Vector256<sbyte>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> Create(sbyte value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> LoadUnsafe(ref sbyte source, nuint elementOffset) => Vector256.LoadUnsafe(ref source, elementOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreUnsafe(Vector256<sbyte> vector, ref sbyte destination, nuint elementOffset) => vector.StoreUnsafe(ref destination, elementOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> Min(Vector256<sbyte> left, Vector256<sbyte> right) => Vector256.Min(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> MinUnsigned(Vector256<sbyte> left, Vector256<sbyte> right) => Vector256.Min(left.AsByte(), right.AsByte()).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> Xor(Vector256<sbyte> left, Vector256<sbyte> right) => left ^ right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> Or(Vector256<sbyte> left, Vector256<sbyte> right) => left | right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> LessThan(Vector256<sbyte> left, Vector256<sbyte> right) => Vector256.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<sbyte> EqualsPerByte(Vector256<sbyte> left, Vector256<sbyte> right) => Vector256.Equals(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyBitSet(Vector256<sbyte> left, Vector256<sbyte> right) => (left | right) != Vector256<sbyte>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyZero(Vector256<sbyte> vector) => Vector256.EqualsAny(vector, Vector256<sbyte>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool GreaterThanOrEqualAll(Vector256<sbyte> left, Vector256<sbyte> right) => Vector256.GreaterThanOrEqualAll(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ExtractMostSignificantBits(Vector256<sbyte> vector) => vector.ExtractMostSignificantBits();
}
