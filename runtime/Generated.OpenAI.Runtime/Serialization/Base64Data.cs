using System;
using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Generated.OpenAI.Serialization;

/// <summary>
/// Bytes that travel as base64 text in JSON (audio deltas, images). Holds either the decoded bytes (what
/// you send) or the base64 text exactly as received (decoded on demand with
/// <see cref="Base64.DecodeFromUtf8(ReadOnlySpan{byte}, Span{byte}, out int, out int, bool)"/>; never through
/// an intermediate <see cref="string"/>). Text that is not valid base64 is kept as is and written back
/// unchanged; decoding it is a <see cref="FormatException"/> or <see cref="OperationStatus.InvalidData"/>.
/// </summary>
/// <remarks>The memory passed to the factory methods is referenced, not copied: the caller keeps it unchanged.</remarks>
public readonly struct Base64Data : IEquatable<Base64Data>, IJsonModel<Base64Data>
{
    private readonly ReadOnlyMemory<byte> _data;
    private readonly bool _isEncoded;

    private Base64Data(ReadOnlyMemory<byte> data, bool isEncoded)
    {
        _data = data;
        _isEncoded = isEncoded;
    }

    /// <summary>Wraps raw bytes (for example PCM16 audio) that are base64-encoded when written.</summary>
    public static Base64Data FromBytes(ReadOnlyMemory<byte> bytes) => new(bytes, isEncoded: false);

    /// <summary>Wraps base64 text in UTF-8, as it appears in JSON.</summary>
    public static Base64Data FromBase64Utf8(ReadOnlyMemory<byte> base64Utf8) => new(base64Utf8, isEncoded: true);

    /// <summary>Wraps base64 text.</summary>
    public static Base64Data FromBase64String(string base64) => new(Encoding.UTF8.GetBytes(base64), isEncoded: true);

    /// <summary>Whether this holds base64 text (as received) rather than decoded bytes.</summary>
    public bool IsEncoded => _isEncoded;

    /// <summary>The base64 text as UTF-8 when <see cref="IsEncoded"/>; otherwise empty.</summary>
    public ReadOnlyMemory<byte> EncodedUtf8 => _isEncoded ? _data : default;

    /// <summary>Whether there are no bytes.</summary>
    public bool IsEmpty => _data.IsEmpty;

    /// <summary>An upper bound of the decoded length (exact for decoded bytes).</summary>
    public int MaxDecodedLength => _isEncoded ? Base64.GetMaxDecodedFromUtf8Length(_data.Length) : _data.Length;

    /// <summary>Whether the data can be decoded (always true for decoded bytes).</summary>
    public bool IsValid => !_isEncoded || Base64.IsValid(_data.Span);

    /// <summary>Decodes into <paramref name="destination"/> without allocating.</summary>
    /// <returns><see cref="OperationStatus.Done"/>, <see cref="OperationStatus.DestinationTooSmall"/> or <see cref="OperationStatus.InvalidData"/>.</returns>
    public OperationStatus TryDecode(Span<byte> destination, out int bytesWritten)
    {
        if (!_isEncoded)
        {
            if (_data.Length > destination.Length)
            {
                bytesWritten = 0;
                return OperationStatus.DestinationTooSmall;
            }
            _data.Span.CopyTo(destination);
            bytesWritten = _data.Length;
            return OperationStatus.Done;
        }
        var status = Base64.DecodeFromUtf8(_data.Span, destination, out _, out bytesWritten);
        return status == OperationStatus.NeedMoreData ? OperationStatus.InvalidData : status;
    }

    /// <summary>The decoded bytes as a new array.</summary>
    /// <exception cref="FormatException">The text is not valid base64.</exception>
    public byte[] ToArray()
    {
        if (!_isEncoded)
        {
            return _data.ToArray();
        }
        byte[] buffer = new byte[MaxDecodedLength];
        if (TryDecode(buffer, out int written) != OperationStatus.Done)
        {
            throw new FormatException($"The value is not valid base64 ({_data.Length} characters).");
        }
        return written == buffer.Length ? buffer : buffer.AsSpan(0, written).ToArray();
    }

    /// <summary>The decoded bytes when this holds decoded bytes; otherwise decodes into a new array.</summary>
    public ReadOnlyMemory<byte> ToMemory() => _isEncoded ? ToArray() : _data;

    /// <summary>
    /// Reads a JSON string; the base64 text is copied once into an array this value owns, or, inside
    /// <see cref="JsonModel.DeserializeBorrowingBase64{T}"/>, borrowed from the JSON being read (not copied).
    /// </summary>
    public static Base64Data ReadJson(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw JsonHelpers.Unexpected(ref reader, "a base64 string", nameof(Base64Data));
        }

        ReadOnlyMemory<byte> source = JsonModel.BorrowSource;
        if (!source.IsEmpty && !reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            // TokenStartIndex is the opening quote, an offset into the memory the reader was made over.
            return new Base64Data(source.Slice(checked((int)reader.TokenStartIndex + 1), reader.ValueSpan.Length), isEncoded: true);
        }
        int length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        byte[] text = new byte[length];
        int copied = reader.CopyString(text); // unescapes \/ and \u escapes
        return new Base64Data(text.AsMemory(0, copied), isEncoded: true);
    }

    /// <summary>Writes the value as a JSON string: encodes decoded bytes, writes received text back as it was.</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        if (!_isEncoded)
        {
            writer.WriteBase64StringValue(_data.Span);
            return;
        }
        ReadOnlySpan<byte> text = _data.Span;
        if (text.IndexOfAnyExcept(s_base64Alphabet) >= 0)
        {
            writer.WriteStringValue(text); // not base64: escaped as any other string
            return;
        }
        byte[] rented = ArrayPool<byte>.Shared.Rent(text.Length + 2);
        try
        {
            rented[0] = (byte)'"';
            text.CopyTo(rented.AsSpan(1));
            rented[text.Length + 1] = (byte)'"';
            writer.WriteRawValue(rented.AsSpan(0, text.Length + 2), skipInputValidation: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static readonly SearchValues<byte> s_base64Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="u8);

    /// <summary>Equal when both hold the same kind of data with the same bytes.</summary>
    public bool Equals(Base64Data other) => _isEncoded == other._isEncoded && _data.Span.SequenceEqual(other._data.Span);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Base64Data other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_data.Span);
        hash.Add(_isEncoded);
        return hash.ToHashCode();
    }

    /// <summary>A short description; never the data itself.</summary>
    public override string ToString() => _isEncoded ? $"Base64Data({_data.Length} base64 characters)" : $"Base64Data({_data.Length} bytes)";

    /// <summary>Compares two values.</summary>
    public static bool operator ==(Base64Data left, Base64Data right) => left.Equals(right);

    /// <summary>Compares two values.</summary>
    public static bool operator !=(Base64Data left, Base64Data right) => !left.Equals(right);
}
