namespace Generated.OpenAI.Generator.Parser;

/// <summary>
/// How to name a type lifted out of another: <see cref="Preferred"/> is the short form (the owner's stem joined to
/// the member: <c>RealtimeSessionCreateRequestGA</c> + <c>audio</c> → <c>RealtimeSessionCreateAudio</c>), and
/// <see cref="Fallback"/> the full path-built form, used when the short one is taken.
/// </summary>
internal readonly record struct NameHint(string Preferred, string Fallback)
{
    /// <summary>A name with no short form (operation bodies and responses, aliases).</summary>
    public static NameHint Plain(string name) => new(name, name);

    /// <summary>The type of member <paramref name="member"/> (PascalCase) of type <paramref name="owner"/>.</summary>
    public static NameHint Member(string owner, string member) =>
        new(Naming.Join(Naming.Stem(owner), member), owner + member);

    /// <summary>The element of a list: <c>Tools</c> → <c>Tool</c> (the full form appends <c>Item</c>).</summary>
    public NameHint Element() => new(Naming.Singular(Preferred), Fallback + "Item");

    /// <summary>Both forms followed by <paramref name="suffix"/>.</summary>
    public NameHint Append(string suffix) => new(Preferred + suffix, Fallback + suffix);
}
