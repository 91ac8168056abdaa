using System;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Generated.OpenAI.Serialization;

/// <summary>
/// The JSON spellings of a closed enum whose members are 0, 1, 2, … in the order of <c>spellings</c>: what a generated
/// <c>{Enum}Extensions</c> class delegates to, so that each enum is a table rather than five methods of code.
/// Parsing compares UTF-8 bytes (length first) and never allocates; writing uses pre-encoded text.
/// </summary>
/// <typeparam name="TEnum">A generated closed enum (underlying type <see cref="int"/>).</typeparam>
public sealed class ClosedEnumValues<TEnum>
    where TEnum : struct, Enum
{
    private readonly string _typeName;
    private readonly string[] _spellings;
    private readonly byte[][] _utf8;
    private readonly JsonEncodedText[] _encoded;

    /// <summary>The table for <typeparamref name="TEnum"/>, named <paramref name="typeName"/> in messages.</summary>
    /// <param name="typeName">The enum's name, for error messages.</param>
    /// <param name="spellings">The API's spelling of each member, in member order.</param>
    public ClosedEnumValues(string typeName, params string[] spellings)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        ArgumentNullException.ThrowIfNull(spellings);
        if (Unsafe.SizeOf<TEnum>() != sizeof(int))
        {
            throw new ArgumentException($"{typeof(TEnum).Name} is not an int-based enum.", nameof(TEnum));
        }
        _typeName = typeName;
        _spellings = spellings;
        _utf8 = new byte[spellings.Length][];
        _encoded = new JsonEncodedText[spellings.Length];
        for (int i = 0; i < spellings.Length; i++)
        {
            _utf8[i] = Encoding.UTF8.GetBytes(spellings[i]);
            _encoded[i] = JsonEncodedText.Encode(spellings[i]);
        }
    }

    /// <summary>The value as the API spells it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is not a member.</exception>
    public string ToJsonString(TEnum value) => _spellings[Index(value)];

    /// <summary>Parses the API's spelling of a value from UTF-8, without allocating.</summary>
    public bool TryParse(ReadOnlySpan<byte> utf8, out TEnum value)
    {
        byte[][] table = _utf8;
        for (int i = 0; i < table.Length; i++)
        {
            if (table[i].Length == utf8.Length && utf8.SequenceEqual(table[i]))
            {
                value = Unsafe.As<int, TEnum>(ref i);
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>Reads a value only if the reader is on a string that is one of the known values.</summary>
    public bool TryRead(ref Utf8JsonReader reader, out TEnum value)
    {
        value = default;
        return reader.TokenType == JsonTokenType.String && TryParse(JsonHelpers.PropertyName(ref reader), out value);
    }

    /// <summary>Reads a value; a string that is not a member is a <see cref="JsonException"/> naming it.</summary>
    public TEnum Read(ref Utf8JsonReader reader)
    {
        if (TryRead(ref reader, out TEnum value))
        {
            return value;
        }
        throw reader.TokenType == JsonTokenType.String
            ? new JsonException($"'{reader.GetString()}' is not a value of {_typeName} (the spec lists {Listed()}).")
            : JsonHelpers.Unexpected(ref reader, "a string", _typeName);
    }

    /// <summary>Writes a value as the API spells it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is not a member.</exception>
    public void Write(Utf8JsonWriter writer, TEnum value) => writer.WriteStringValue(_encoded[Index(value)]);

    private int Index(TEnum value)
    {
        int index = Unsafe.As<TEnum, int>(ref value);
        return (uint)index < (uint)_spellings.Length ? index : throw new ArgumentOutOfRangeException(nameof(value), value, $"Not a value of {_typeName}.");
    }

    private string Listed() => string.Join(", ", _spellings.AsSpan(0, Math.Min(8, _spellings.Length)).ToArray()) + (_spellings.Length > 8 ? ", ..." : "");
}
