/** One `key = value` of a section, with where it was written. */
export interface PjsipVariable {
  /** Option name as written (`server_uri`), without the operator. */
  key: string;
  /** Value with surrounding blanks trimmed and `\;` unescaped; later `+=` lines are already appended to it. */
  value: string;
  /**
   * File it was written in (the top-level file or an `#include` argument); for inherited ones, the base's.
   */
  file: string;
  /** 1-based line in `file`. */
  line: number;
  /** Copied from a template or base section. */
  inherited: boolean;
}

/** A `[name]` section after templates and `(+)` appends have been applied. */
export class PjsipSection {
  /** Variables in the order sorcery would apply them. */
  readonly variables: PjsipVariable[] = [];

  constructor(
    /** Section name. */
    readonly name: string,
    /** `(!)`: a template, never instantiated. */
    readonly isTemplate: boolean,
    /** Sections it inherits from, in order. */
    readonly bases: string[],
    /** Where the header was written. */
    readonly file: string,
    /** 1-based line of the header in `file`. */
    readonly line: number,
  ) {}

  /** The object type: the last `type=` value, if any. */
  get type(): string | undefined {
    return this.get('type');
  }

  /** The last value of `key` (later lines override earlier ones), or undefined. */
  get(key: string): string | undefined {
    return this.last(key)?.value;
  }

  /** The last variable named `key`, with its location. */
  last(key: string): PjsipVariable | undefined {
    for (let i = this.variables.length - 1; i >= 0; i--)
      if (this.variables[i]!.key === key) return this.variables[i];
    return undefined;
  }

  /** Every value of `key`, in order (for list options such as `local_net`). */
  all(key: string): PjsipVariable[] {
    return this.variables.filter((v) => v.key === key);
  }

  /** Distinct keys, in first-seen order. */
  keys(): string[] {
    return [...new Set(this.variables.map((v) => v.key))];
  }
}

/** A parsed pjsip.conf: every section in file order, templates included. */
export class PjsipDocument {
  constructor(
    /** Every section in file order, templates included; a name may repeat (told apart by `type=`). */
    readonly sections: PjsipSection[],
  ) {}

  /** Non-template sections whose `type` is `type` (sorcery's `criteria=type=...`). */
  objects(type: string): PjsipSection[] {
    return this.sections.filter((s) => !s.isTemplate && s.type === type);
  }

  /** The non-template section of `type` named `name`, if any. */
  object(type: string, name: string): PjsipSection | undefined {
    return this.objects(type).find((s) => s.name === name);
  }
}
