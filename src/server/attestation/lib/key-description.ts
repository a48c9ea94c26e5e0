// The Android KeyDescription extension (OID 1.3.6.1.4.1.11129.2.1.17), read leniently where
// the format grows: tags this verifier does not know, in any order, from any attestation
// version (Keymaster 2 to KeyMint 400 and later), are kept by number and never crash it.

import {
  AttestationApplicationId,
  AuthorizationList,
  IntegerSet,
  RootOfTrust,
} from '@peculiar/asn1-android';
import {
  AsnParser,
  AsnProp,
  AsnPropTypes,
  AsnType,
  AsnTypeTypes,
  type IAsnConverter,
  OctetString,
} from '@peculiar/asn1-schema';
import { BER_LIMITS } from './certificate.js';
import { viewOf } from './encoding.js';
import { refuseAttestation } from './refusal.js';

/** @internal The extension's OID. */
export const KEY_DESCRIPTION_OID = '1.3.6.1.4.1.11129.2.1.17';

/** @internal One element of an authorization list, as received. */
interface RawAuthorization {
  readonly tag: number;
  readonly der: Uint8Array;
}

/** @internal The parts of asn1js's element objects this file reads. */
interface AsnElement {
  readonly idBlock: {
    readonly tagClass: number;
    readonly tagNumber: number;
    readonly isConstructed: boolean;
  };
  readonly valueBlock: { readonly value?: readonly AsnElement[] };
  toBER(sizeOnly?: boolean): ArrayBuffer;
}

const UNIVERSAL = 1;
const CONTEXT_SPECIFIC = 3;
const SEQUENCE = 16;

// An AuthorizationList kept element by element, so that each tag is parsed on its own.
const rawList: IAsnConverter<RawAuthorization[]> = {
  fromASN(value) {
    const element = value as unknown as AsnElement;
    const { tagClass, tagNumber, isConstructed } = element.idBlock;
    if (tagClass !== UNIVERSAL || tagNumber !== SEQUENCE || !isConstructed)
      throw new Error('an AuthorizationList must be a SEQUENCE');
    return (element.valueBlock.value ?? []).map((item) => {
      if (item.idBlock.tagClass !== CONTEXT_SPECIFIC || !item.idBlock.isConstructed)
        throw new Error('an authorization must be an EXPLICIT context-specific tag');
      return { tag: item.idBlock.tagNumber, der: viewOf(item.toBER(false)) };
    });
  },
  toASN() {
    throw new Error('a KeyDescription is only read here');
  },
};

class LenientKeyDescription {
  attestationVersion = 0;
  attestationSecurityLevel = 0;
  keyMintVersion = 0;
  keyMintSecurityLevel = 0;
  attestationChallenge = new OctetString();
  uniqueId = new OctetString();
  softwareEnforced: RawAuthorization[] = [];
  hardwareEnforced: RawAuthorization[] = [];
}
const FIELDS: readonly [keyof LenientKeyDescription, Parameters<typeof AsnProp>[0]][] = [
  ['attestationVersion', { type: AsnPropTypes.Integer }],
  ['attestationSecurityLevel', { type: AsnPropTypes.Enumerated }],
  ['keyMintVersion', { type: AsnPropTypes.Integer }],
  ['keyMintSecurityLevel', { type: AsnPropTypes.Enumerated }],
  ['attestationChallenge', { type: OctetString }],
  ['uniqueId', { type: OctetString }],
  ['softwareEnforced', { type: AsnPropTypes.Any, converter: rawList }],
  ['hardwareEnforced', { type: AsnPropTypes.Any, converter: rawList }],
];
for (const [name, options] of FIELDS) AsnProp(options)(LenientKeyDescription.prototype, name);

/** The ASN.1 type of each KeyMint tag (KeyMint's KeyDescription schema), by tag number. */
type TagType = AsnPropTypes | (new () => object);
const INTEGER = AsnPropTypes.Integer;
const NULL = AsnPropTypes.Null;
const TAGS: ReadonlyMap<number, readonly [keyof AuthorizationList, TagType]> = new Map<
  number,
  readonly [keyof AuthorizationList, TagType]
>([
  [1, ['purpose', IntegerSet]],
  [2, ['algorithm', INTEGER]],
  [3, ['keySize', INTEGER]],
  [5, ['digest', IntegerSet]],
  [6, ['padding', IntegerSet]],
  [10, ['ecCurve', INTEGER]],
  [200, ['rsaPublicExponent', INTEGER]],
  [203, ['mgfDigest', IntegerSet]],
  [303, ['rollbackResistance', NULL]],
  [305, ['earlyBootOnly', NULL]],
  [400, ['activeDateTime', INTEGER]],
  [401, ['originationExpireDateTime', INTEGER]],
  [402, ['usageExpireDateTime', INTEGER]],
  [405, ['usageCountLimit', INTEGER]],
  [503, ['noAuthRequired', NULL]],
  [504, ['userAuthType', INTEGER]],
  [505, ['authTimeout', INTEGER]],
  [506, ['allowWhileOnBody', NULL]],
  [507, ['trustedUserPresenceRequired', NULL]],
  [508, ['trustedConfirmationRequired', NULL]],
  [509, ['unlockedDeviceRequired', NULL]],
  [600, ['allApplications', NULL]],
  [601, ['applicationId', OctetString]],
  [701, ['creationDateTime', INTEGER]],
  [702, ['origin', INTEGER]],
  [703, ['rollbackResistant', NULL]],
  [704, ['rootOfTrust', RootOfTrust]],
  [705, ['osVersion', INTEGER]],
  [706, ['osPatchLevel', INTEGER]],
  [709, ['attestationApplicationId', OctetString]],
  [710, ['attestationIdBrand', OctetString]],
  [711, ['attestationIdDevice', OctetString]],
  [712, ['attestationIdProduct', OctetString]],
  [713, ['attestationIdSerial', OctetString]],
  [714, ['attestationIdImei', OctetString]],
  [715, ['attestationIdMeid', OctetString]],
  [716, ['attestationIdManufacturer', OctetString]],
  [717, ['attestationIdModel', OctetString]],
  [718, ['vendorPatchLevel', INTEGER]],
  [719, ['bootPatchLevel', INTEGER]],
  [720, ['deviceUniqueAttestation', NULL]],
  [723, ['attestationIdSecondImei', OctetString]],
  [724, ['moduleHash', OctetString]],
]);

/**
 * Tags whose values this verifier acts on: one that is present but does not parse makes the
 * evidence malformed. Any other tag that does not parse is kept as unknown.
 */
const TAGS_THAT_MUST_PARSE = new Set([1, 2, 3, 10, 701, 702, 704, 705, 706, 709, 718, 719]);

/** One tag's schema: a CHOICE of the one `[tag] EXPLICIT` element, made once per tag. */
const tagSchemas = new Map<number, new () => { value?: unknown }>();

function tagSchema(tag: number, type: TagType): new () => { value?: unknown } {
  let schema = tagSchemas.get(tag);
  if (schema === undefined) {
    // Parsing against one alternative, not KeyMint's forty: a tenth of the work per element.
    schema = class {
      value?: unknown;
    };
    AsnType({ type: AsnTypeTypes.Choice })(schema);
    AsnProp({ type, context: tag })(schema.prototype, 'value');
    tagSchemas.set(tag, schema);
  }
  return schema;
}

/** @internal An authorization list: the values of the tags known here, and the other tags. */
export interface Authorizations {
  readonly values: AuthorizationList;
  /** Every tag present, known or not. */
  readonly tags: ReadonlySet<number>;
  /** Tags this verifier could not read (newer KeyMint tags), in the order received. */
  readonly unknown: readonly number[];
}

/** @internal The decoded KeyDescription. */
export interface KeyDescription {
  readonly attestationVersion: number;
  readonly attestationSecurityLevel: number;
  readonly keyMintVersion: number;
  readonly keyMintSecurityLevel: number;
  readonly challenge: Uint8Array;
  readonly uniqueId: Uint8Array;
  readonly softwareEnforced: Authorizations;
  readonly hardwareEnforced: Authorizations;
}

function readAuthorizations(items: readonly RawAuthorization[], claim: string): Authorizations {
  const values = new AuthorizationList();
  const tags = new Set<number>();
  const unknown: number[] = [];
  for (const { tag, der } of items) {
    // A tag given twice could say two things; which one a verifier reads must not be a choice.
    if (tags.has(tag))
      refuseAttestation('malformed', `the KeyDescription repeats tag ${tag}`, { claim });
    tags.add(tag);
    const known = TAGS.get(tag);
    if (known === undefined) {
      unknown.push(tag);
      continue;
    }
    let value: unknown;
    try {
      value = AsnParser.parse(der, tagSchema(tag, known[1]), { berOptions: BER_LIMITS }).value;
    } catch (err) {
      if (TAGS_THAT_MUST_PARSE.has(tag)) {
        refuseAttestation(
          'malformed',
          `the KeyDescription tag ${tag} is malformed`,
          {
            claim: `${claim}[${tag}]`,
          },
          err,
        );
      }
      unknown.push(tag);
      continue;
    }
    (values as unknown as Record<string, unknown>)[known[0]] = value;
  }
  return { values, tags, unknown };
}

/**
 * @internal Decodes the KeyDescription extension value.
 * @throws `ATTESTATION_FAILED` (`malformed`).
 */
export function parseKeyDescription(value: Uint8Array): KeyDescription {
  let description: LenientKeyDescription;
  try {
    description = AsnParser.parse(value, LenientKeyDescription, { berOptions: BER_LIMITS });
  } catch (err) {
    return refuseAttestation(
      'malformed',
      'the KeyDescription extension is malformed',
      {
        claim: 'keyDescription',
      },
      err,
    );
  }
  return {
    attestationVersion: description.attestationVersion,
    attestationSecurityLevel: description.attestationSecurityLevel,
    keyMintVersion: description.keyMintVersion,
    keyMintSecurityLevel: description.keyMintSecurityLevel,
    challenge: viewOf(description.attestationChallenge),
    uniqueId: viewOf(description.uniqueId),
    softwareEnforced: readAuthorizations(description.softwareEnforced, 'softwareEnforced'),
    hardwareEnforced: readAuthorizations(description.hardwareEnforced, 'hardwareEnforced'),
  };
}

/** @internal The attestationApplicationId: package names with versions, signing-certificate digests. */
export interface ApplicationId {
  readonly packages: readonly { readonly name: string; readonly version: number }[];
  readonly signatureDigests: readonly Uint8Array[];
}

/**
 * @internal Decodes tag 709's content.
 * @throws `ATTESTATION_FAILED` (`malformed`).
 */
export function parseApplicationId(value: OctetString): ApplicationId {
  let id: AttestationApplicationId;
  try {
    id = AsnParser.parse(viewOf(value), AttestationApplicationId, { berOptions: BER_LIMITS });
  } catch (err) {
    return refuseAttestation(
      'malformed',
      'the attestationApplicationId is malformed',
      {
        claim: 'attestationApplicationId',
      },
      err,
    );
  }
  const decoder = new TextDecoder('utf-8', { fatal: false });
  return {
    packages: id.packageInfos.map((info) => ({
      name: decoder.decode(viewOf(info.packageName)),
      version: Number(info.version),
    })),
    // Declared as OctetString, decoded as ArrayBuffer: viewOf reads either.
    signatureDigests: id.signatureDigests.map((digest) => viewOf(digest)),
  };
}
