using System;
using System.Buffers;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Generated.OpenAI.Serialization;

/// <summary>
/// Building blocks of the generated readers and writers. Public because generated code in other assemblies
/// calls them; not meant to be called by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class JsonHelpers
{
    /// <summary>
    /// The current property name as unescaped UTF-8. Borrowed from the reader's buffer when it can be (the
    /// common case: no escapes, one segment); copied only otherwise.
    /// </summary>
    public static ReadOnlySpan<byte> PropertyName(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return reader.ValueSpan;
        }
        return Encoding.UTF8.GetBytes(reader.GetString()!);
    }

    /// <summary>Throws unless the reader is on <see cref="JsonTokenType.StartObject"/>.</summary>
    public static void ExpectStartObject(ref Utf8JsonReader reader, string typeName)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Unexpected(ref reader, "an object", typeName);
        }
    }

    /// <summary>A <see cref="JsonException"/> that says what was expected, what was found, and where.</summary>
    public static JsonException Unexpected(ref Utf8JsonReader reader, string expected, string typeName) =>
        new($"Expected {expected} for {typeName} but found {reader.TokenType} at byte {reader.TokenStartIndex}.");

    /// <summary>Thrown when a document ends inside an object.</summary>
    public static JsonException Truncated(string typeName) => new($"The JSON for {typeName} ended before the object was closed.");

    /// <summary>Reads a string; <c>null</c> for a JSON null.</summary>
    /// <remarks>In a large document a short string equal to one read before is that same instance (see <see cref="ShortStringTable"/>).</remarks>
    public static string? ReadString(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => ShortStringTable.Current is { } table ? table.GetString(ref reader) : reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw Unexpected(ref reader, "a string", "string"),
    };

    /// <summary>Reads an integer. A number with a fraction or out of range is a <see cref="JsonException"/>.</summary>
    public static long ReadInt64(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long value))
        {
            return value;
        }
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out double d) && d == Math.Floor(d) && Math.Abs(d) < 9.2e18)
        {
            return (long)d; // 1.0 or 1e3: integral values written as floating point
        }
        throw Unexpected(ref reader, "an integer", "integer");
    }

    /// <summary>Reads a number.</summary>
    /// <remarks>
    /// A short plain decimal (at most 17 characters, no exponent, at most 2^53 as an integer of its digits: a
    /// log-probability such as <c>-0.31725305</c>) is read here, as the integer of its digits divided by a power of
    /// ten. Both operands are exact doubles and IEEE 754 division rounds correctly, so the result is the same
    /// double <see cref="Utf8JsonReader.GetDouble"/> returns (the fast path of Clinger's algorithm), without its
    /// general parser: Perf_RestJson's chat completion reads three per log-probability. Anything else (an exponent,
    /// more digits, a value split across segments) goes to <see cref="Utf8JsonReader.GetDouble"/>. The reader has
    /// already checked the JSON number grammar, so the loop meets only digits, one '.' and a leading '-'.
    /// </remarks>
    public static double ReadDouble(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw Unexpected(ref reader, "a number", "number");
        }

        if (!reader.HasValueSequence)
        {
            ReadOnlySpan<byte> text = reader.ValueSpan;
            if (text.Length <= 17)
            {
                bool negative = text[0] == (byte)'-';
                long digits = 0;
                int fractionDigits = -1; // -1: no '.' seen yet
                for (int i = negative ? 1 : 0; i < text.Length; i++)
                {
                    uint digit = (uint)(text[i] - '0');
                    if (digit <= 9)
                    {
                        digits = (digits * 10) + digit;
                        if (fractionDigits >= 0)
                        {
                            fractionDigits++;
                        }
                    }
                    else if (text[i] == (byte)'.')
                    {
                        fractionDigits = 0;
                    }
                    else
                    {
                        return reader.GetDouble(); // an exponent
                    }
                }

                if (digits <= MaxExactDoubleInteger)
                {
                    double value = fractionDigits > 0 ? digits / s_exactPowersOfTen[fractionDigits] : digits;
                    return negative ? -value : value; // "-0" is -0.0, as GetDouble reads it
                }
            }
        }

        return reader.GetDouble();
    }

    /// <summary>2^53: every integer up to it is an exact double.</summary>
    private const long MaxExactDoubleInteger = 1L << 53;

    /// <summary>10^0 to 10^16, each an exact double (every power of ten up to 10^22 is).</summary>
    private static readonly double[] s_exactPowersOfTen = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16];

    /// <summary>Reads <c>true</c> or <c>false</c>.</summary>
    public static bool ReadBoolean(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw Unexpected(ref reader, "a boolean", "boolean"),
    };

    /// <summary>Reads any value as an independent <see cref="JsonElement"/> (it owns a copy of its JSON).</summary>
    public static JsonElement ReadAny(ref Utf8JsonReader reader) => JsonElement.ParseValue(ref reader);

    /// <summary>
    /// The path of the first member the spec requires that <paramref name="value"/> was read without (see
    /// <see cref="IRequiredMembers"/>); <see langword="null"/> when it has them all or requires none.
    /// </summary>
    public static string? FindMissingMember(object? value) => value is IRequiredMembers model ? model.FindMissingMember() : null;

    /// <summary>The <c>UnknownReason</c> of a union value whose case lacked <paramref name="path"/>.</summary>
    public static string MissingMemberReason(string path) => $"The required member \"{path}\" is missing, null or of another JSON kind.";

    /// <summary>Skips the current value (and its children).</summary>
    public static void Skip(ref Utf8JsonReader reader)
    {
        if (!reader.TrySkip())
        {
            throw new JsonException("The JSON ended inside a value.");
        }
    }

    /// <summary>
    /// Reads an array into a list of exactly its length. The first <see cref="ListScratch{T}.Length"/> elements are
    /// gathered in a buffer on this call's stack; a longer array moves on to an array rented from
    /// <see cref="ArrayPool{T}.Shared"/> (owned by this call, cleared of references and returned before it ends, also
    /// when an element throws). Growing a <see cref="List{T}"/> from empty would allocate about twice the final storage
    /// in discarded arrays (4, 8, 16... elements); renting for every list cost a pool round trip per list, and most
    /// lists are short (Perf_RestJson's chat completion reads four per log-probability: <c>bytes</c> of five or two
    /// elements, <c>top_logprobs</c> of two).
    /// </summary>
    public static List<T> ReadList<T>(ref Utf8JsonReader reader, JsonReadFunc<T> read)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Unexpected(ref reader, "an array", typeof(T).Name + "[]");
        }

        ListScratch<T> inline = default;
        Span<T> first = inline;
        int count = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                var list = new List<T>(count);
                list.AddRange(first[..count]);
                return list;
            }

            if (count == first.Length)
            {
                return ReadLongList(ref reader, read, first);
            }

            first[count++] = read(ref reader);
        }

        throw Truncated(typeof(T).Name + "[]");
    }

    /// <summary>
    /// The rest of <see cref="ReadList{T}"/> once <paramref name="first"/> is full, with the reader on the element that
    /// did not fit: continues in a rented array (see there).
    /// </summary>
    private static List<T> ReadLongList<T>(ref Utf8JsonReader reader, JsonReadFunc<T> read, scoped ReadOnlySpan<T> first)
    {
        T[] scratch = ArrayPool<T>.Shared.Rent(first.Length * 2);
        first.CopyTo(scratch);
        int count = first.Length;
        try
        {
            do
            {
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    var list = new List<T>(count);
                    list.AddRange(new ReadOnlySpan<T>(scratch, 0, count));
                    return list;
                }

                if (count == scratch.Length)
                {
                    T[] larger = ArrayPool<T>.Shared.Rent(checked(count * 2));
                    Array.Copy(scratch, larger, count);
                    ArrayPool<T>.Shared.Return(scratch, clearArray: RuntimeHelpers.IsReferenceOrContainsReferences<T>());
                    scratch = larger;
                }

                scratch[count++] = read(ref reader);
            }
            while (reader.Read());

            throw Truncated(typeof(T).Name + "[]");
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratch, clearArray: RuntimeHelpers.IsReferenceOrContainsReferences<T>());
        }
    }

    /// <summary>The first elements of a list being read, on <see cref="ReadList{T}"/>'s stack (no pool, nothing to clear).</summary>
    [InlineArray(Length)]
    private struct ListScratch<T>
    {
        public const int Length = 16;

        private T _element;
    }

    /// <summary>
    /// Reads an array whose every element <paramref name="read"/> accepts; <c>false</c> at the first element it does
    /// not (a closed-enum value the spec does not list), or when the reader is not on an array. On <c>false</c> the
    /// reader is left inside the array: the generated caller rewinds to the copy it took and keeps the whole value raw.
    /// </summary>
    public static bool TryReadList<T>(ref Utf8JsonReader reader, JsonTryReadFunc<T> read, [NotNullWhen(true)] out List<T>? list)
    {
        list = null;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }
        var items = new List<T>();
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                list = items;
                return true;
            }
            if (!read(ref reader, out T item))
            {
                return false;
            }
            items.Add(item);
        }
        throw Truncated(typeof(T).Name + "[]");
    }

    /// <summary>
    /// Reads an object of string keys whose every value <paramref name="read"/> accepts; <c>false</c> otherwise, with
    /// the reader left inside the object, as <see cref="TryReadList{T}"/>.
    /// </summary>
    public static bool TryReadMap<T>(ref Utf8JsonReader reader, JsonTryReadFunc<T> read, [NotNullWhen(true)] out Dictionary<string, T>? map)
    {
        map = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        var items = new Dictionary<string, T>(StringComparer.Ordinal);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                map = items;
                return true;
            }
            string key = reader.GetString()!;
            reader.Read();
            if (!read(ref reader, out T item))
            {
                return false;
            }
            items[key] = item;
        }
        throw Truncated("map of " + typeof(T).Name);
    }

    /// <summary>Reads an object of string keys to values.</summary>
    public static Dictionary<string, T> ReadMap<T>(ref Utf8JsonReader reader, JsonReadFunc<T> read)
    {
        ExpectStartObject(ref reader, "map of " + typeof(T).Name);
        var map = new Dictionary<string, T>(StringComparer.Ordinal);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return map;
            }
            string key = reader.GetString()!;
            reader.Read();
            map[key] = read(ref reader);
        }
        throw Truncated("map of " + typeof(T).Name);
    }

    /// <summary>Writes an array.</summary>
    /// <remarks>
    /// Lists and arrays are walked without an enumerator: a <c>foreach</c> over the <see cref="IEnumerable{T}"/> boxes one
    /// per list written (Perf_RestJson: about 40 B for every log-probability's <c>bytes</c> and <c>top_logprobs</c>).
    /// </remarks>
    public static void WriteList<T>(Utf8JsonWriter writer, IEnumerable<T> values, JsonWriteAction<T> write)
    {
        writer.WriteStartArray();
        switch (values)
        {
            case List<T> list:
                foreach (T value in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list))
                {
                    write(writer, value);
                }

                break;
            case T[] array:
                foreach (T value in array)
                {
                    write(writer, value);
                }

                break;
            case IList<T> indexed:
                for (int i = 0; i < indexed.Count; i++)
                {
                    write(writer, indexed[i]);
                }

                break;
            default:
                foreach (T value in values)
                {
                    write(writer, value);
                }

                break;
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes an object of string keys to values.</summary>
    public static void WriteMap<T>(Utf8JsonWriter writer, IEnumerable<KeyValuePair<string, T>> values, JsonWriteAction<T> write)
    {
        writer.WriteStartObject();
        if (values is Dictionary<string, T> dictionary)
        {
            // The struct enumerator: no boxing.
            foreach (KeyValuePair<string, T> pair in dictionary)
            {
                writer.WritePropertyName(pair.Key);
                write(writer, pair.Value);
            }
        }
        else
        {
            foreach (var pair in values)
            {
                writer.WritePropertyName(pair.Key);
                write(writer, pair.Value);
            }
        }
        writer.WriteEndObject();
    }

    /// <summary>Keeps a property the spec does not know, so that it is written back unchanged.</summary>
    public static void ReadExtension(ref Dictionary<string, JsonElement>? extensionData, scoped ReadOnlySpan<byte> name, ref Utf8JsonReader reader)
    {
        extensionData ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        extensionData[Encoding.UTF8.GetString(name)] = JsonElement.ParseValue(ref reader);
    }

    /// <summary>Writes the properties kept by <see cref="ReadExtension"/>.</summary>
    public static void WriteExtensions(Utf8JsonWriter writer, Dictionary<string, JsonElement>? extensionData)
    {
        if (extensionData is null)
        {
            return;
        }
        foreach (var pair in extensionData)
        {
            writer.WritePropertyName(pair.Key);
            pair.Value.WriteTo(writer);
        }
    }

    /// <summary>
    /// Writes the properties kept by <see cref="ReadExtension"/>, except those the model is writing from a typed
    /// property (<paramref name="writesTyped"/>): a value kept raw because it did not fit, then replaced by setting
    /// the typed property, is written once, with the new value. Costs nothing when nothing was kept.
    /// </summary>
    public static void WriteExtensions<TModel>(Utf8JsonWriter writer, Dictionary<string, JsonElement>? extensionData, TModel model, Func<TModel, string, bool> writesTyped)
    {
        if (extensionData is null)
        {
            return;
        }
        foreach (var pair in extensionData)
        {
            if (writesTyped(model, pair.Key))
            {
                continue;
            }
            writer.WritePropertyName(pair.Key);
            pair.Value.WriteTo(writer);
        }
    }

    /// <summary>
    /// Finds the value of a top-level string property of the object the reader is on, wherever it stands,
    /// without moving the caller's reader (the reader is a copy). Borrowed from the buffer when unescaped.
    /// </summary>
    /// <returns><c>false</c> when the property is absent or not a string.</returns>
    public static bool TryGetDiscriminator(Utf8JsonReader reader, ReadOnlySpan<byte> propertyName, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        int depth = reader.CurrentDepth;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth)
            {
                return false;
            }
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                return false;
            }
            bool match = reader.ValueTextEquals(propertyName);
            if (!reader.Read())
            {
                return false;
            }
            if (match)
            {
                if (reader.TokenType != JsonTokenType.String)
                {
                    return false;
                }
                value = !reader.ValueIsEscaped && !reader.HasValueSequence ? reader.ValueSpan : Encoding.UTF8.GetBytes(reader.GetString()!);
                return true;
            }
            if (!reader.TrySkip())
            {
                return false;
            }
        }
        return false;
    }

    /// <summary>
    /// Picks the object case whose shape fits best: every required property present, then the most known
    /// properties present. Returns the index into <paramref name="shapes"/>, or -1 when none fits.
    /// </summary>
    public static int MatchShape(Utf8JsonReader reader, UnionShape[] shapes)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return -1;
        }
        Span<int> requiredSeen = shapes.Length <= 64 ? stackalloc int[shapes.Length] : new int[shapes.Length];
        Span<int> knownSeen = shapes.Length <= 64 ? stackalloc int[shapes.Length] : new int[shapes.Length];
        Span<int> constConflicts = shapes.Length <= 64 ? stackalloc int[shapes.Length] : new int[shapes.Length];
        Span<int> constIndex = shapes.Length <= 64 ? stackalloc int[shapes.Length] : new int[shapes.Length];
        int depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                for (int i = 0; i < shapes.Length; i++)
                {
                    constIndex[i] = UnionShape.IndexOf(shapes[i].ConstNames, ref reader);
                    if (UnionShape.Contains(shapes[i].Required, ref reader))
                    {
                        requiredSeen[i]++;
                        knownSeen[i]++;
                    }
                    else if (UnionShape.Contains(shapes[i].Known, ref reader))
                    {
                        knownSeen[i]++;
                    }
                }
                if (!reader.Read())
                {
                    break;
                }
                for (int i = 0; i < shapes.Length; i++)
                {
                    // A constant of the case with another value rules the case out (role: "user" is not the system message).
                    if (constIndex[i] >= 0 && (reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals(shapes[i].ConstValues[constIndex[i]])))
                    {
                        constConflicts[i]++;
                    }
                }
                if (!reader.TrySkip())
                {
                    break;
                }
            }
        }
        int best = -1;
        int bestScore = -1;
        for (int i = 0; i < shapes.Length; i++)
        {
            if (constConflicts[i] == 0 && requiredSeen[i] == shapes[i].Required.Length && knownSeen[i] > bestScore)
            {
                best = i;
                bestScore = knownSeen[i];
            }
        }
        return best;
    }

    /// <summary>The token kind of an array's first element, or <see cref="JsonTokenType.None"/> for an empty array.</summary>
    public static JsonTokenType PeekFirstElement(Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray || !reader.Read() || reader.TokenType == JsonTokenType.EndArray)
        {
            return JsonTokenType.None;
        }
        return reader.TokenType;
    }
}

/// <summary>The property names that identify one object case of a union without a discriminator value.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class UnionShape
{
    /// <summary>Creates a shape from property names, and pairs of (property, the only value it may have).</summary>
    public UnionShape(string[] required, string[] known, string[] constants)
    {
        Required = Array.ConvertAll(required, Encoding.UTF8.GetBytes);
        Known = Array.ConvertAll(known, Encoding.UTF8.GetBytes);
        ConstNames = new byte[constants.Length / 2][];
        ConstValues = new byte[constants.Length / 2][];
        for (int i = 0; i < ConstNames.Length; i++)
        {
            ConstNames[i] = Encoding.UTF8.GetBytes(constants[2 * i]);
            ConstValues[i] = Encoding.UTF8.GetBytes(constants[(2 * i) + 1]);
        }
    }

    internal byte[][] Required { get; }

    internal byte[][] Known { get; }

    internal byte[][] ConstNames { get; }

    internal byte[][] ConstValues { get; }

    internal static int IndexOf(byte[][] names, ref Utf8JsonReader reader)
    {
        for (int i = 0; i < names.Length; i++)
        {
            if (reader.ValueTextEquals(names[i]))
            {
                return i;
            }
        }
        return -1;
    }

    internal static bool Contains(byte[][] names, ref Utf8JsonReader reader)
    {
        foreach (byte[] name in names)
        {
            if (reader.ValueTextEquals(name))
            {
                return true;
            }
        }
        return false;
    }
}
