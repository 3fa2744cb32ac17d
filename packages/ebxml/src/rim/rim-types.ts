/**
 * The ebRIM 3.0 wire model (OASIS ebRIM 3.0 §2-§4): one interface per element XDS uses, mirroring the XML.
 * The XDS views (DocumentEntry, SubmissionSet, Folder, Association) are derived from these in metadata/.
 */

export interface LocalizedString {
  readonly value: string;
  readonly lang?: string;
  readonly charset?: string;
}

/** rim:Name or rim:Description: one LocalizedString per language. */
export type InternationalString = readonly LocalizedString[];

export interface Slot {
  readonly name: string;
  readonly slotType?: string;
  readonly values: readonly string[];
}

export interface VersionInfo {
  readonly versionName?: string;
  readonly comment?: string;
}

/** Attributes and children shared by every RegistryObject (ebRIM 3.0 §2.5). */
export interface RegistryObjectBase {
  readonly id: string;
  readonly lid?: string;
  readonly objectType?: string;
  readonly status?: string;
  /** homeCommunityId (ITI TF-3 4.2.3.2.11) travels in the `home` attribute. */
  readonly home?: string;
  readonly slots: readonly Slot[];
  readonly name?: InternationalString;
  readonly description?: InternationalString;
  readonly versionInfo?: VersionInfo;
  readonly classifications: readonly Classification[];
  readonly externalIdentifiers: readonly ExternalIdentifier[];
}

export interface Classification extends RegistryObjectBase {
  readonly kind: "Classification";
  readonly classifiedObject: string;
  readonly classificationScheme?: string;
  readonly classificationNode?: string;
  readonly nodeRepresentation?: string;
}

export interface ExternalIdentifier extends RegistryObjectBase {
  readonly kind: "ExternalIdentifier";
  readonly registryObject: string;
  readonly identificationScheme: string;
  readonly value: string;
}

export interface ExtrinsicObject extends RegistryObjectBase {
  readonly kind: "ExtrinsicObject";
  readonly mimeType?: string;
  readonly isOpaque?: string;
  readonly contentVersionInfo?: VersionInfo;
}

export interface RegistryPackage extends RegistryObjectBase {
  readonly kind: "RegistryPackage";
}

export interface RimAssociation extends RegistryObjectBase {
  readonly kind: "Association";
  readonly associationType: string;
  readonly sourceObject: string;
  readonly targetObject: string;
}

/** A reference by id to an object held elsewhere (ebRIM 3.0 §2.4); AdhocQueryResponse ObjectRef results. */
export interface ObjectRef {
  readonly kind: "ObjectRef";
  readonly id: string;
  readonly home?: string;
}

export type RegistryObject = ExtrinsicObject | RegistryPackage | RimAssociation | Classification | ExternalIdentifier;
export type Identifiable = RegistryObject | ObjectRef;

/**
 * A registry object already serialised by renderRegistryObject (stored at registration, so a LeafClass answer
 * needs no rendering); `status` is spliced into its start tag when written.
 */
export interface PreRenderedObject {
  readonly kind: "PreRendered";
  readonly id: string;
  readonly xml: string;
  readonly status?: string;
}
