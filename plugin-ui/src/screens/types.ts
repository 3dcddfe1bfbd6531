export interface ScreenProps {
	/** The sector every list is scoped to (null while none is chosen). */
	sectorId: number | null;
}
